"""Test helpers for the Python rows: start the real upstream and a row as child processes on
ports the OS picks (PORT=0, read back from the startup line), talk HTTP and the line protocol,
read /metrics. Never binds the fixed ports of the manifests.

One job a module; the names the rows' tests import are re-exported here:
  repo          REPO, SERVICES, PYTHON, NODE, load_manifest
  requirements  missing_modules, require_modules, require_runtime
  builds        go_binary, java_missing, native_argv, row_argv (the lab's builds of compiled rows)
  processes     Proc, Upstream, read_startup_line
  row           Row
  clients       LineClient, hold_idle_connections
  exposition    parse_metrics, metric_value
  proctree      live_children, zombie_children
Beside them: contract (RowContract), row_checks (shared row-contract mixins), measure (a row's
figures by hand) and standalone_overhead.py (the Python rows' overhead witness)."""
from .builds import go_binary, java_missing, native_argv, row_argv
from .clients import LineClient, hold_idle_connections
from .exposition import metric_value, parse_metrics
from .processes import Proc, Upstream, read_startup_line
from .proctree import live_children, zombie_children
from .repo import NODE, PYTHON, REPO, SERVICES, load_manifest
from .requirements import missing_modules, require_modules, require_runtime
from .row import Row

__all__ = [
    "REPO", "SERVICES", "PYTHON", "NODE", "load_manifest",
    "missing_modules", "require_modules", "require_runtime",
    "go_binary", "java_missing", "native_argv", "row_argv",
    "Proc", "Upstream", "read_startup_line", "Row",
    "LineClient", "hold_idle_connections",
    "parse_metrics", "metric_value",
    "live_children", "zombie_children",
]
