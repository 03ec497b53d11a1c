import threading
import unittest

from labtesting import hold_idle_connections
from labtesting.contract import RowContract


class GoGoroutinesTest(RowContract, unittest.TestCase):
    """The shared row contract against the Go binary (built the way `lab up` builds it)."""
    ROW = "go-goroutines"
    UNIT = "goroutines"

    def test_units_count_work_in_flight(self):
        # runtime.NumGoroutine() also counts the upstream Transport's two goroutines per kept
        # connection: five parallel fetches first, so that the pool already holds the
        # connections the contract's five requests reuse and the count returns to its baseline.
        warm = [threading.Thread(target=lambda: self.row.get("/echo?text=hello&delay_ms=300")) for _ in range(5)]
        for t in warm:
            t.start()
        for t in warm:
            t.join()
        super().test_units_count_work_in_flight()

    def test_runtime_is_go(self):
        info = [dict(ls) for n, ls in self.row.metrics() if n == "lab_info"]
        self.assertEqual(len(info), 1)
        self.assertEqual(info[0]["language"], "go")
        self.assertTrue(info[0]["runtime"].startswith("go 1."), info[0])

    def test_a_goroutine_not_a_thread_per_idle_connection(self):
        threads0 = self.row.metric("lab_os_threads")
        units0 = self.row.metric("lab_concurrency_units", unit="goroutines")
        conns = hold_idle_connections(self.row, 200)
        try:
            # 150, not 200: the baseline may still count goroutines of earlier tests' closing
            # connections (python-threads' test allows the same for its threads).
            self.assertGreaterEqual(self.row.metric("lab_concurrency_units", unit="goroutines") - units0, 150)
            # Parked goroutines wait on the netpoller, not in a thread each.
            self.assertLess(self.row.metric("lab_os_threads") - threads0, 20)
        finally:
            for c in conns:
                c.close()


if __name__ == "__main__":
    unittest.main()
