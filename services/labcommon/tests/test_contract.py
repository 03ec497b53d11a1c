"""labcommon's limits and metric vocabulary are contract/contract.json's: the JSON is read here on
its own (not through labcommon.contract) and compared with what validation, lineproto and
metrics really do; a copy of labcommon beside an edited contract must follow the edit."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from labcommon import contract, lineproto, validation
from labcommon.metrics import OUTCOMES, PROTOCOLS, UNITS, LabMetrics

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_CONTRACT = os.path.normpath(os.path.join(HERE, "..", "..", "..", "contract", "contract.json"))
with open(REPO_CONTRACT, encoding="utf-8") as f:
    JSON = json.load(f)


class ContractTest(unittest.TestCase):
    def test_labcommon_loads_the_repositorys_contract(self):
        self.assertEqual(contract.CONTRACT_PATH, REPO_CONTRACT)
        self.assertEqual(contract.LIMITS, JSON["limits"])

    def test_limits_are_the_jsons_numbers(self):
        lim = JSON["limits"]
        self.assertEqual(validation.MAX_TEXT_BYTES, lim["text_max_bytes"])
        self.assertEqual(lineproto.MAX_LINE_BYTES, lim["line_max_bytes"])
        self.assertEqual(lineproto.LINE_TOO_LONG, JSON["line_protocol"]["line_too_long"].encode())
        self.assertEqual(validation.MAX_DELAY_MS, lim["echo"]["delay_ms"]["max"])
        self.assertEqual(validation.MAX_CPU_ITERS, lim["echo"]["cpu_iters"]["max"])
        self.assertEqual(validation.MAX_WORKERS, lim["overhead"]["workers"]["max"])
        self.assertEqual(validation.MAX_TASKS, lim["overhead"]["tasks"]["max"])
        self.assertEqual(validation.MAX_SLEEP_MS, lim["overhead"]["sleep_ms"]["max"])
        self.assertEqual(list(validation.OVERHEAD_MODES), lim["overhead"]["modes"])

    def test_validation_accepts_each_limit_and_rejects_one_past_it(self):
        lim = JSON["limits"]
        n = lim["text_max_bytes"]
        self.assertIsNone(validation.parse_echo_query({"text": ["a" * n]})[1])
        self.assertIsNotNone(validation.parse_echo_query({"text": ["a" * (n + 1)]})[1])
        for name, r in lim["echo"].items():
            for value, ok in ((r["max"], True), (r["max"] + 1, False), (r["min"] - 1, False)):
                _, err = validation.parse_echo_query({"text": ["hi"], name: [str(value)]})
                self.assertEqual(err is None, ok, f"{name}={value}: {err}")
        ov = lim["overhead"]
        base = {k: [str(ov[k]["min"])] for k in ("workers", "tasks", "sleep_ms")}
        for name in ("workers", "tasks", "sleep_ms"):
            for value, ok in ((ov[name]["max"], True), (ov[name]["max"] + 1, False), (ov[name]["min"] - 1, False)):
                _, err = validation.parse_overhead_query({**base, name: [str(value)]})
                self.assertEqual(err is None, ok, f"{name}={value}: {err}")
        self.assertEqual(validation.check_overhead_mode(None), (ov["default_mode"], None))

    def test_metric_names_types_help_and_labels_are_the_jsons(self):
        self.assertEqual(list(PROTOCOLS), JSON["metrics"]["label_values"]["protocol"])
        self.assertEqual(list(UNITS), JSON["metrics"]["label_values"]["unit"])
        self.assertEqual(list(OUTCOMES), [o["name"] for o in JSON["outcomes"]])
        text = LabMetrics("contract-test", "m", "r", "threads").render().decode()
        impl = JSON["metrics"]["label_on_every_series"]
        for spec in JSON["metrics"]["every_row"]:
            self.assertIn(f"# HELP {spec['name']} {spec['help']}\n", text, spec["name"])
            self.assertIn(f"# TYPE {spec['name']} {spec['type']}\n", text, spec["name"])
            sample = spec["name"] + ("_count" if spec["type"] == "histogram" else "")
            line = next((l for l in text.splitlines() if l.startswith(sample + "{")), None)
            self.assertIsNotNone(line, sample)
            labels = sorted(k.split("=")[0] for k in line[line.index("{") + 1:line.index("}")].split(",") if k)
            self.assertEqual(labels, sorted([impl, *spec["labels"]]), spec["name"])

    def test_an_edited_contract_is_followed(self):
        """A copy of labcommon beside a contract with other limits: the limits are read from the
        file, not written in code."""
        src = os.path.normpath(os.path.join(HERE, "..", "labcommon"))
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copytree(src, os.path.join(tmp, "services", "labcommon", "labcommon"))
            edited = json.loads(json.dumps(JSON))
            edited["limits"]["text_max_bytes"] = 10
            edited["limits"]["line_max_bytes"] = 123
            edited["limits"]["overhead"]["workers"]["max"] = 5
            os.mkdir(os.path.join(tmp, "contract"))
            with open(os.path.join(tmp, "contract", "contract.json"), "w", encoding="utf-8") as f:
                json.dump(edited, f)
            code = ("from labcommon import validation, lineproto; "
                    "print(validation.MAX_TEXT_BYTES, lineproto.MAX_LINE_BYTES, "
                    "validation.parse_echo_query({'text': ['a' * 11]})[1] is not None, "
                    "validation.parse_overhead_query('workers=6&tasks=1&sleep_ms=0')[1] is not None)")
            out = subprocess.run([sys.executable, "-c", code], cwd=tmp, capture_output=True, text=True, timeout=60,
                                 env={**os.environ, "PYTHONPATH": os.path.join(tmp, "services", "labcommon")})
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertEqual(out.stdout.split(), ["10", "123", "True", "True"])


if __name__ == "__main__":
    unittest.main()
