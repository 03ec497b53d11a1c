"""Child processes the tests start in their own session: a process's startup line read back
(the port the OS picked), its stop, and the real upstream on an OS-picked port."""
import os
import re
import select
import signal
import subprocess
import time
from typing import Optional

from .repo import NODE, SERVICES


def read_startup_line(proc: subprocess.Popen, stream, pattern: str, timeout: float = 20.0) -> re.Match:
    """The first match of `pattern` in what `stream` prints; fails with the output so far when
    the process exits or `timeout` passes first."""
    deadline = time.monotonic() + timeout
    seen = b""
    fd = stream.fileno()
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            seen += chunk
            m = re.search(pattern.encode(), seen)
            if m:
                return m
        elif proc.poll() is not None:
            break
    raise RuntimeError(f"process did not print {pattern!r} (exit {proc.poll()}): {seen.decode(errors='replace')}")


class Proc:
    def __init__(self, proc: subprocess.Popen, name: str):
        self.proc, self.name = proc, name

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self, sig=signal.SIGTERM, timeout: float = 15.0) -> Optional[int]:
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(sig)
                return self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        return self.proc.returncode


class Upstream(Proc):
    def __init__(self, delay_ms: int = 50):
        main = os.path.join(SERVICES, "upstream", "dist", "src", "main.js")
        if not os.path.exists(main):
            raise RuntimeError(f"{main} is missing: build first (npx tsc -b)")
        env = {**os.environ, "PORT": "0", "BIND": "127.0.0.1", "UPSTREAM_DELAY_MS": str(delay_ms)}
        p = subprocess.Popen([NODE, main], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             start_new_session=True)
        super().__init__(p, "upstream")
        m = read_startup_line(p, p.stdout, r"listening on (http://[^\s]+)")
        self.url = m.group(1).decode()
