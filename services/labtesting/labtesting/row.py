"""A row started the way `lab up` starts it, on ports the OS picks, and what a test asks it:
HTTP requests, line connections, /metrics samples."""
import http.client
import os
import subprocess
import time
from typing import Dict, Optional, Tuple

from .builds import row_argv
from .clients import LineClient
from .exposition import Samples, metric_value, parse_metrics
from .processes import Proc, read_startup_line
from .repo import SERVICES, load_manifest
from .requirements import require_runtime


class Row(Proc):
    """services/<name> started the way `lab up` does: its service.json's args and pythonPath
    (a Go row: its binary, built first; a Java row: its classes, compiled first). A missing runtime module fails here with the apt-get
    command (require_runtime)."""

    def __init__(self, name: str, upstream_url: str, extra_env: Optional[Dict[str, str]] = None):
        require_runtime(name)
        folder = os.path.join(SERVICES, name)
        manifest = load_manifest(name)
        local = manifest["local"]
        py_path = [os.path.normpath(os.path.join(folder, p)) for p in local.get("pythonPath", [])]
        env = {**os.environ, "PORT": "0", "LINE_PORT": "0", "BIND": "127.0.0.1", "UPSTREAM_URL": upstream_url,
               "PYTHONPATH": os.pathsep.join(py_path), **(extra_env or {})}
        argv = row_argv(name, local)
        p = subprocess.Popen(argv, cwd=folder, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, start_new_session=True)
        super().__init__(p, name)
        m = read_startup_line(p, p.stderr, r"listening http=(\d+) line=(\d+)")
        self.http_port, self.line_port = int(m.group(1)), int(m.group(2))

    def get(self, target: str, timeout: float = 30.0) -> Tuple[int, bytes, Dict[str, str]]:
        c = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=timeout)
        try:
            c.request("GET", target)
            r = c.getresponse()
            return r.status, r.read(), {k.lower(): v for k, v in r.getheaders()}
        finally:
            c.close()

    def line_conn(self, timeout: float = 30.0) -> LineClient:
        return LineClient(self.line_port, timeout)

    def metrics(self) -> Samples:
        status, body, _ = self.get("/metrics")
        assert status == 200, body
        return parse_metrics(body.decode())

    def metric(self, name: str, **labels: str) -> float:
        return metric_value(self.metrics(), name, **labels)

    def wait_metric(self, name: str, pred, timeout: float = 15.0, **labels: str) -> float:
        """Polls until pred(value) holds (state that settles asynchronously, e.g. a reaped
        child); returns the last value either way, so the caller's assert shows it."""
        deadline = time.monotonic() + timeout
        value = self.metric(name, **labels)
        while not pred(value) and time.monotonic() < deadline:
            time.sleep(0.05)
            value = self.metric(name, **labels)
        return value
