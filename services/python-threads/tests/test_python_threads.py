import unittest

from labtesting import hold_idle_connections
from labtesting.contract import RowContract


class PythonThreadsTest(RowContract, unittest.TestCase):
    ROW = "python-threads"
    UNIT = "threads"

    def test_runtime_is_plain_cpython(self):
        info = [dict(ls) for n, ls in self.row.metrics() if n == "lab_info"]
        self.assertEqual(len(info), 1)
        self.assertNotIn("gevent", info[0]["runtime"])
        self.assertTrue(info[0]["runtime"].startswith("CPython 3."))

    def test_an_os_thread_per_idle_connection(self):
        before = self.row.metric("lab_os_threads")
        conns = hold_idle_connections(self.row, 200)
        try:
            during = self.row.metric("lab_os_threads")
            self.assertGreaterEqual(during - before, 150)
            self.assertGreaterEqual(self.row.metric("lab_concurrency_units", unit="threads"), 200)
        finally:
            for c in conns:
                c.close()
        self.assertLess(self.row.wait_metric("lab_os_threads", lambda v: v < during - 150), during - 150)


if __name__ == "__main__":
    unittest.main()
