# labcommon's metrics need prometheus_client: a missing one fails the suite with the install
# command (the rows' manifests list the same Debian package), never skips it.
from labtesting import require_modules

require_modules(["prometheus_client"], ["python3-prometheus-client"], "labcommon")
