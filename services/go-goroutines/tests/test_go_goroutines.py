import unittest

from labtesting.contract import RowContract
from labtesting.row_checks import RuntimeLabel, UnitNotThreadPerIdleConnection, WarmUpstreamPoolFirst


class GoGoroutinesTest(WarmUpstreamPoolFirst, RuntimeLabel, UnitNotThreadPerIdleConnection, RowContract, unittest.TestCase):
    """The shared row contract against the Go binary (built the way `lab up` builds it).
    Parked goroutines wait on the netpoller, not in a thread each; runtime.NumGoroutine() also
    counts the upstream Transport's two goroutines per kept connection."""
    ROW = "go-goroutines"
    UNIT = "goroutines"
    LANGUAGE = "go"
    RUNTIME_PREFIX = "go 1."
    MAX_NEW_THREADS = 20


if __name__ == "__main__":
    unittest.main()
