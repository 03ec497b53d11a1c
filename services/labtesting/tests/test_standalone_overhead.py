"""labtesting/standalone_overhead.py, the bench overhead-fidelity's witness of the Python rows:
every row whose manifest declares it (services/*/service.json overheadWitness, found here, not
listed) runs both methods in the row's environment and answers the /overhead JSON; bad
arguments exit 2 with the reason. loadgen/test/runtime/witness.test.ts runs every witness,
whatever its language, through the lab's own launcher."""
import glob
import json
import os
import subprocess
import sys
import unittest

SERVICES = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(SERVICES, "labtesting", "labtesting", "standalone_overhead.py")


def python_witnesses():
    """(row folder, manifest) of every manifest whose overheadWitness runs this script."""
    found = []
    for path in sorted(glob.glob(os.path.join(SERVICES, "*", "service.json"))):
        with open(path) as f:
            manifest = json.load(f)
        witness = manifest.get("overheadWitness")
        if witness and witness["interpreter"] == "python":
            row = os.path.dirname(path)
            if os.path.normpath(os.path.join(row, witness["args"][0])) == SCRIPT:
                found.append((row, manifest))
    return found


def run_witness(row, manifest, *args):
    """The witness command of the manifest in the row's environment, as the bench starts it."""
    witness = manifest["overheadWitness"]
    path = [row] + [os.path.normpath(os.path.join(row, p)) for p in manifest["local"].get("pythonPath", [])]
    env = dict(os.environ, **manifest["local"].get("env", {}), PYTHONPATH=os.pathsep.join(path))
    return subprocess.run([sys.executable, os.path.join(row, witness["args"][0]), *witness["args"][1:], *args],
                          cwd=row, env=env, capture_output=True, text=True, timeout=120)


class StandaloneOverheadTest(unittest.TestCase):
    def test_the_python_rows_declare_this_witness(self):
        self.assertGreater(len(python_witnesses()), 0, "no services/*/service.json declares standalone_overhead.py")

    def test_every_python_witness_runs_both_modes(self):
        for row, manifest in python_witnesses():
            for mode in ("pool", "spawn"):
                with self.subTest(row=manifest["name"], mode=mode):
                    done = run_witness(row, manifest, "--mode", mode, "--workers", "4", "--tasks", "12", "--sleep-ms", "2", "--warmup")
                    self.assertEqual(done.returncode, 0, f"{manifest['name']} {mode}: {done.stderr}")
                    r = json.loads(done.stdout)
                    self.assertEqual((r["workers"], r["tasks"], r["sleep_ms"], r["mode"], r["where"]), (4, 12, 2, mode, "standalone"))
                    self.assertGreaterEqual(r["overhead"], 1.0, f"{manifest['name']} {mode}")
                    # The seed's window: starting the pool is outside elapsed, reported beside it.
                    if mode == "pool":
                        self.assertGreater(r["setup_s"], 0.0, manifest["name"])
                    else:
                        self.assertEqual(r["setup_s"], 0.0, manifest["name"])

    def test_the_loop_option_runs_uvloop_and_defaults_to_asyncio(self):
        rows = {m["name"]: (row, m) for row, m in python_witnesses()}
        for name, loop in (("python-asyncio", "asyncio"), ("python-uvloop", "uvloop")):
            done = run_witness(*rows[name], "--workers", "2", "--tasks", "2", "--sleep-ms", "1")
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertEqual({k: json.loads(done.stdout)[k] for k in ("module", "loop", "mode")}, {"module": "asyncio_overhead", "loop": loop, "mode": "pool"})

    def test_row_reads_the_module_from_the_manifest(self):
        done = subprocess.run([sys.executable, SCRIPT, "--row", "gevent-monkey", "--workers", "2", "--tasks", "4", "--sleep-ms", "1"],
                              capture_output=True, text=True, timeout=60, cwd="/")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(json.loads(done.stdout)["module"], "thread_overhead")

    def test_row_without_a_python_witness_exits_2(self):
        done = subprocess.run([sys.executable, SCRIPT, "--row", "go-goroutines", "--workers", "2", "--tasks", "4", "--sleep-ms", "1"],
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(done.returncode, 2)
        self.assertIn("no Python overheadWitness", done.stderr)

    def test_the_script_names_no_row_module(self):
        with open(SCRIPT) as f:
            source = f.read()
        for row, manifest in python_witnesses():
            module = manifest["overheadWitness"]["args"][manifest["overheadWitness"]["args"].index("--module") + 1]
            self.assertNotIn(module, source, f"{manifest['name']}'s module is named in the script: the manifest says it")

    def test_bad_mode_exits_2_with_the_reason(self):
        row, manifest = python_witnesses()[0]
        done = run_witness(row, manifest, "--mode", "bogus", "--workers", "2", "--tasks", "2", "--sleep-ms", "1")
        self.assertEqual(done.returncode, 2)
        self.assertIn("mode must be one of pool, spawn", done.stderr)
        self.assertEqual(done.stdout, "")

    def test_loop_is_for_asyncio_only(self):
        done = subprocess.run([sys.executable, SCRIPT, "--row", "python-threads", "--loop", "uvloop", "--workers", "2", "--tasks", "2", "--sleep-ms", "1"],
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(done.returncode, 2)
        self.assertIn("--loop is for asyncio rows only", done.stderr)

    def test_outside_the_rows_environment_exits_2_saying_how_to_run_it(self):
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        done = subprocess.run([sys.executable, SCRIPT, "--module", "gevent_overhead", "--workers", "2", "--tasks", "2", "--sleep-ms", "1"],
                              capture_output=True, text=True, timeout=60, env=env, cwd=SERVICES)
        self.assertEqual(done.returncode, 2)
        self.assertIn("run it in the row's environment", done.stderr)
        self.assertEqual(done.stdout, "")


if __name__ == "__main__":
    unittest.main()
