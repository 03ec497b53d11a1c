"""python-processes' plumbing around its forked children (forkecho.py forks one per connection):

- in a child, ChildMetrics: what the connection loops call on a LabMetrics, sent to the parent
  as one small event line per change down a pipe (writes under PIPE_BUF are atomic), and
  ChildState: SIGTERM leaves an idle child at once, a busy one after its answer;
- in the parent, Children: the live children, the events applied to the parent's LabMetrics,
  the reaping (which fixes the gauges of a child that died mid-request, so nothing leaks
  whatever a child does), and the drain at SIGTERM."""
import os
import select
import signal
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from typing import Dict

from labcommon.metrics import LabMetrics

IMPL = "python-processes"


# --- the child side ---------------------------------------------------------------------------

class ChildMetrics:
    """Connections are counted by the parent itself (at fork and at reap)."""

    def __init__(self, event_fd: int, metrics_url: str):
        self.fd, self.metrics_url, self.pid = event_fd, metrics_url, os.getpid()

    def _send(self, line: str) -> None:
        os.write(self.fd, (line + "\n").encode("ascii"))

    def request_done(self, protocol: str, outcome: str, seconds: float) -> None:
        self._send(f"R {protocol} {outcome} {seconds:.9f}")

    def observe_upstream(self, seconds: float) -> None:
        self._send(f"U {seconds:.9f}")

    def inflight_add(self, protocol: str, delta: float) -> None:
        self._send(f"I {self.pid} {protocol} {int(delta)}")

    def connections_add(self, protocol: str, delta: float) -> None:
        pass

    def render(self) -> bytes:
        # A child has no totals; the parent does. A fresh connection's first request is
        # served by the parent itself, so this cannot loop back into a fork.
        with urllib.request.urlopen(self.metrics_url, timeout=10) as resp:
            return resp.read()


class ChildState:
    def __init__(self):
        self.busy = False
        self.stopping = False

    def on_busy(self, flag: bool) -> None:
        self.busy = flag  # after an answer the loop checks stopping() and closes

    def on_term(self, *_args) -> None:
        # Idle (waiting for the next request or line): leave now. Busy: finish, then leave.
        if not self.busy:
            os._exit(0)
        self.stopping = True


# --- the parent side --------------------------------------------------------------------------

@dataclass
class Child:
    protocol: str
    inflight: int = 0


class Children:
    def __init__(self, metrics: LabMetrics, max_children: int):
        self.metrics, self.max_children = metrics, max_children
        self.live: Dict[int, Child] = {}
        self.lock = threading.Lock()  # live + event application
        self.have_children = threading.Event()
        self.events_r, self.events_w = os.pipe()
        os.set_blocking(self.events_r, False)
        self.partial = b""
        metrics.set_units_function(lambda: float(len(self.live)))

    def add(self, pid: int, protocol: str) -> None:
        """Called with self.lock held, right after the fork."""
        self.live[pid] = Child(protocol)

    def started(self, protocol: str) -> None:
        self.metrics.connections_add(protocol, 1)
        self.have_children.set()

    def full(self) -> bool:
        return len(self.live) >= self.max_children

    def busy_reason(self) -> str:
        return f"busy: {len(self.live)} connections are being served, MAX_CHILDREN is {self.max_children}"

    # --- events from children -------------------------------------------------------------
    def drain_events(self) -> None:
        with self.lock:
            while True:
                try:
                    data = os.read(self.events_r, 65536)
                except BlockingIOError:
                    break
                if not data:
                    break
                self.partial += data
            *lines, self.partial = self.partial.split(b"\n")
            for line in lines:
                self._apply(line.decode("ascii", "replace").split())

    def _apply(self, f) -> None:
        m = self.metrics
        try:
            if f[0] == "R":
                m.request_done(f[1], f[2], float(f[3]))
            elif f[0] == "U":
                m.observe_upstream(float(f[1]))
            elif f[0] == "I":
                child = self.live.get(int(f[1]))
                if child is not None:  # a reaped child's late lines are already accounted for
                    child.inflight += int(f[3])
                    m.inflight_add(f[2], int(f[3]))
        except (IndexError, ValueError):
            sys.stderr.write(f"{IMPL}: ignored a malformed event from a child: {f!r}\n")

    def event_loop(self) -> None:
        while True:
            select.select([self.events_r], [], [], 0.5)
            self.drain_events()

    def reap_loop(self) -> None:
        while True:
            try:
                pid, _status = os.waitpid(-1, 0)
            except ChildProcessError:
                self.have_children.wait(0.5)
                self.have_children.clear()
                continue
            except InterruptedError:
                continue
            self.drain_events()  # the child's last lines are in the pipe: apply them first
            with self.lock:
                child = self.live.pop(pid, None)
            if child is not None:
                if child.inflight:
                    self.metrics.inflight_add(child.protocol, -child.inflight)
                self.metrics.connections_add(child.protocol, -1)

    def drain(self, seconds: float) -> None:
        """Children that are idle exit at SIGTERM; busy ones finish their answer first. After
        `seconds` the rest get SIGKILL. All are reaped before this returns (2 s at most more)."""
        for sig, wait in ((signal.SIGTERM, seconds), (signal.SIGKILL, 2.0)):
            with self.lock:
                pids = list(self.live)
            for pid in pids:
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
            deadline = time.monotonic() + wait
            while self.live and time.monotonic() < deadline:
                time.sleep(0.05)
