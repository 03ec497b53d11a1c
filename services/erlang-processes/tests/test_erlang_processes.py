import unittest

from labtesting.contract import RowContract
from labtesting.row_checks import RuntimeLabel, UnitNotThreadPerIdleConnection, WarmUpstreamPoolFirst


class ErlangProcessesTest(WarmUpstreamPoolFirst, RuntimeLabel, UnitNotThreadPerIdleConnection, RowContract, unittest.TestCase):
    """The shared row contract against the BEAM row (compiled the way `lab up` compiles it).
    Waiting processes are parked by the schedulers, not in a thread each; the process count
    includes httpc's session process per kept upstream connection."""
    ROW = "erlang-processes"
    UNIT = "processes"
    LANGUAGE = "erlang"
    RUNTIME_PREFIX = "OTP 2"


if __name__ == "__main__":
    unittest.main()
