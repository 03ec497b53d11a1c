import unittest

from labtesting import hold_idle_connections
from labtesting.contract import RowContract


class ErlangProcessesTest(RowContract, unittest.TestCase):
    """The shared row contract against the BEAM row (compiled the way `lab up` compiles it)."""
    ROW = "erlang-processes"
    UNIT = "processes"

    def test_runtime_is_otp(self):
        info = [dict(ls) for n, ls in self.row.metrics() if n == "lab_info"]
        self.assertEqual(len(info), 1)
        self.assertEqual(info[0]["language"], "erlang")
        self.assertTrue(info[0]["runtime"].startswith("OTP 2"), info[0])

    def test_a_process_not_a_thread_per_idle_connection(self):
        threads0 = self.row.metric("lab_os_threads")
        units0 = self.row.metric("lab_concurrency_units", unit="processes")
        conns = hold_idle_connections(self.row, 200)
        try:
            self.assertGreaterEqual(self.row.metric("lab_concurrency_units", unit="processes") - units0, 150)
            # Waiting processes are parked by the schedulers, not in a thread each.
            self.assertLess(self.row.metric("lab_os_threads") - threads0, 5)
        finally:
            for c in conns:
                c.close()


if __name__ == "__main__":
    unittest.main()
