import threading
import unittest

from labtesting import hold_idle_connections
from labtesting.contract import RowContract


class RustTokioTest(RowContract, unittest.TestCase):
    """The shared row contract against the Rust binary (built the way `lab up` builds it)."""
    ROW = "rust-tokio"
    UNIT = "tasks"

    def test_units_count_work_in_flight(self):
        # The tasks also count hyper's client task per kept upstream connection: five parallel
        # fetches first, so that the pool already holds the connections the contract's five
        # requests reuse and the count returns to its baseline (as go-goroutines' test does).
        warm = [threading.Thread(target=lambda: self.row.get("/echo?text=hello&delay_ms=300")) for _ in range(5)]
        for t in warm:
            t.start()
        for t in warm:
            t.join()
        super().test_units_count_work_in_flight()

    def test_runtime_is_rustc(self):
        info = [dict(ls) for n, ls in self.row.metrics() if n == "lab_info"]
        self.assertEqual(len(info), 1)
        self.assertEqual(info[0]["language"], "rust")
        self.assertTrue(info[0]["runtime"].startswith("tokio 1 on rustc 1."), info[0])

    def test_a_task_not_a_thread_per_idle_connection(self):
        threads0 = self.row.metric("lab_os_threads")
        units0 = self.row.metric("lab_concurrency_units", unit="tasks")
        conns = hold_idle_connections(self.row, 200)
        try:
            self.assertGreaterEqual(self.row.metric("lab_concurrency_units", unit="tasks") - units0, 150)
            # Parked tasks wait on the runtime's epoll, not in a thread each.
            self.assertLess(self.row.metric("lab_os_threads") - threads0, 5)
        finally:
            for c in conns:
                c.close()


if __name__ == "__main__":
    unittest.main()
