"""labtesting/standalone_overhead.py, the bench overhead-fidelity's witness: every unit runs
both methods outside a server and answers the /overhead JSON; a bad mode exits 2."""
import json
import os
import subprocess
import sys
import unittest

SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "labtesting", "standalone_overhead.py")
UNITS = ("threads", "gevent-monkey", "greenlets", "asyncio", "twisted-callbacks", "twisted-inline", "processes")


def run(*args):
    return subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True, timeout=120)


class StandaloneOverheadTest(unittest.TestCase):
    def test_every_unit_runs_both_modes(self):
        for unit in UNITS:
            for mode in ("pool", "spawn"):
                done = run("--unit", unit, "--mode", mode, "--workers", "4", "--tasks", "12", "--sleep-ms", "2", "--warmup")
                self.assertEqual(done.returncode, 0, f"{unit} {mode}: {done.stderr}")
                r = json.loads(done.stdout)
                self.assertEqual((r["workers"], r["tasks"], r["sleep_ms"], r["mode"], r["where"]), (4, 12, 2, mode, "standalone"))
                self.assertGreaterEqual(r["overhead"], 1.0, f"{unit} {mode}")

    def test_row_names_are_units_too_and_mode_defaults_to_pool(self):
        done = run("--unit", "python-asyncio", "--workers", "2", "--tasks", "2", "--sleep-ms", "1")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual((json.loads(done.stdout)["unit"], json.loads(done.stdout)["mode"]), ("asyncio", "pool"))

    def test_bad_mode_exits_2_with_the_reason(self):
        done = run("--unit", "threads", "--mode", "bogus", "--workers", "2", "--tasks", "2", "--sleep-ms", "1")
        self.assertEqual(done.returncode, 2)
        self.assertIn("mode must be one of pool, spawn", done.stderr)
        self.assertEqual(done.stdout, "")


if __name__ == "__main__":
    unittest.main()
