import unittest

from labtesting import hold_idle_connections
from labtesting.contract import RowContract


class GeventMonkeyTest(RowContract, unittest.TestCase):
    ROW = "gevent-monkey"
    UNIT = "greenlets"

    def test_really_patched(self):
        info = [dict(ls) for n, ls in self.row.metrics() if n == "lab_info"]
        self.assertIn("+ gevent 2", info[0]["runtime"])
        self.assertIn("monkey.patch_all()", info[0]["model"])

    def test_idle_connections_cost_greenlets_not_os_threads(self):
        before_units = self.row.metric("lab_concurrency_units", unit="greenlets")
        conns = hold_idle_connections(self.row, 200)
        try:
            self.assertLess(self.row.metric("lab_os_threads"), 10)
            self.assertGreaterEqual(self.row.metric("lab_concurrency_units", unit="greenlets") - before_units, 200)
        finally:
            for c in conns:
                c.close()


if __name__ == "__main__":
    unittest.main()
