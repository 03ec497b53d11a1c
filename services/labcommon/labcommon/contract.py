"""contract/contract.json, loaded once: the limits, metric vocabulary and outcomes every part of
the lab shares (contract/README.md is the prose). validation, lineproto and metrics read their
numbers and names from here, so that each is written once, in the JSON.

The path is relative to this module: <repo>/services/labcommon/labcommon/ -> <repo>/contract/
(the Python images keep that layout under /app and COPY the file, see scripts/generate)."""
import json
import os
from typing import Any, Dict, List

CONTRACT_PATH = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                              "..", "..", "..", "contract", "contract.json"))


def _load() -> Dict[str, Any]:
    try:
        with open(CONTRACT_PATH, encoding="utf-8") as f:
            c = json.load(f)
    except OSError as e:
        raise RuntimeError(f"cannot read the lab's contract at {CONTRACT_PATH} ({e}); "
                           "an image must COPY contract/contract.json") from e
    if c.get("version") != 1 or "limits" not in c or "metrics" not in c:
        raise RuntimeError(f"{CONTRACT_PATH}: not a version 1 contract")
    return c


CONTRACT: Dict[str, Any] = _load()
LIMITS: Dict[str, Any] = CONTRACT["limits"]


def metric_spec(name: str) -> Dict[str, Any]:
    """{name, type, labels, help} of a metric of the vocabulary; KeyError names an unknown one."""
    metrics = CONTRACT["metrics"]
    for spec in metrics["every_row"] + metrics["node_rows"]:
        if spec["name"] == name:
            return spec
    raise KeyError(f"metric {name} is not in contract/contract.json")


def label_values(label: str) -> List[str]:
    return list(CONTRACT["metrics"]["label_values"][label])
