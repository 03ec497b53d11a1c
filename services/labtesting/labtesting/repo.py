"""Where the tests run: the repository, its services/ folder, the Python the rows run on and the
node that runs the lab's builders, and a row's manifest."""
import json
import os

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
SERVICES = os.path.join(REPO, "services")
PYTHON = os.environ.get("LAB_PYTHON") or "/usr/bin/python3"
NODE = os.environ.get("LAB_NODE") or "node"


def load_manifest(name: str) -> dict:
    with open(os.path.join(SERVICES, name, "service.json")) as f:
        return json.load(f)
