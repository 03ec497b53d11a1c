import unittest

from labtesting import hold_idle_connections
from labtesting.contract import RowContract


class PythonUvloopTest(RowContract, unittest.TestCase):
    ROW = "python-uvloop"
    UNIT = "coroutines"

    def test_runs_on_uvloops_loop(self):
        import uvloop  # the Row fixture has already failed with the apt-get command if it is missing
        info = [dict(ls) for n, ls in self.row.metrics() if n == "lab_info"]
        # python-asyncio's code names the loop it is running on, so this is the loop's own word.
        self.assertTrue(info[0]["runtime"].endswith(" + uvloop %s" % uvloop.__version__), info[0]["runtime"])
        self.assertIn("+ aiohttp ", info[0]["runtime"])
        self.assertIn("uvloop", info[0]["model"])

    def test_idle_connections_cost_coroutines_not_os_threads(self):
        before_units = self.row.metric("lab_concurrency_units", unit="coroutines")
        conns = hold_idle_connections(self.row, 200)
        try:
            self.assertLess(self.row.metric("lab_os_threads"), 10)
            self.assertGreaterEqual(self.row.metric("lab_concurrency_units", unit="coroutines") - before_units, 200)
        finally:
            for c in conns:
                c.close()


if __name__ == "__main__":
    unittest.main()
