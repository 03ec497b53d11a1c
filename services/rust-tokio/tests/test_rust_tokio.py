import unittest

from labtesting.contract import RowContract
from labtesting.row_checks import RuntimeLabel, UnitNotThreadPerIdleConnection, WarmUpstreamPoolFirst


class RustTokioTest(WarmUpstreamPoolFirst, RuntimeLabel, UnitNotThreadPerIdleConnection, RowContract, unittest.TestCase):
    """The shared row contract against the Rust binary (built the way `lab up` builds it).
    Parked tasks wait on the runtime's epoll, not in a thread each; the task count includes
    hyper's client task per kept upstream connection."""
    ROW = "rust-tokio"
    UNIT = "tasks"
    LANGUAGE = "rust"
    RUNTIME_PREFIX = "tokio 1 on rustc 1."


if __name__ == "__main__":
    unittest.main()
