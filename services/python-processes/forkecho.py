"""python-processes (module forkecho): a process per connection, by os.fork (the "Processes"
section of the article).

The parent only accepts, forks, reaps and reports. Each connection is served by a forked child
running the same blocking loop as python-threads. Children cannot share the parent's counters,
so they send one small event line per change down a pipe (writes under PIPE_BUF are atomic);
the parent applies them to its LabMetrics. The parent fixes the gauges of a child that died
mid-request when it reaps it, so nothing leaks whatever a child does."""
import os
import select
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from typing import Dict, Optional

from labcommon.blocking import Answer, serve_http_connection, serve_line_connection, standard_route
from labcommon.config import ServiceConfig, read_config_or_exit
from labcommon.httpwire import (BufferedSocket, HttpError, listen, read_request, send_response, set_nodelay,
                                text_body)
from labcommon.lineproto import BUSY
from labcommon.metrics import CONTENT_TYPE, LabMetrics, python_runtime
from labcommon.upstream import fetch_translation_blocking
from fork_overhead import overhead_answer

IMPL = "python-processes"
MODEL = "process per connection (fork)"
DEFAULT_MAX_CHILDREN = 256
DRAIN_SECONDS = 10.0
TRIAGE_TIMEOUT_S = 30.0  # a client that connects and sends nothing holds a parent thread this long
PARENT_ROUTES = ("/healthz", "/metrics")


@dataclass
class Child:
    protocol: str
    inflight: int = 0


# --- the child side ---------------------------------------------------------------------------

class ChildMetrics:
    """What the blocking loops call on a LabMetrics, sent to the parent as event lines.
    Connections are counted by the parent itself (at fork and at reap)."""

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


def child_main(sock, protocol: str, server: "ForkServer", first=None) -> None:
    """Runs in the forked child: serve the connection, then _exit (never return into the
    parent's code, never run its atexit handlers or flush its buffers)."""
    code = 0
    try:
        state = ChildState()
        signal.signal(signal.SIGTERM, state.on_term)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the group; the parent decides
        metrics = ChildMetrics(server.events_w, server.parent_metrics_url())
        for lsock in (server.http_sock, server.line_sock):
            lsock.close()
        os.close(server.events_r)
        cfg = server.cfg
        fetch = server.fetch

        def extra(req) -> Optional[Answer]:
            return overhead_answer(req, server.guard_path) if req.path == "/overhead" else None

        def route(req):
            return standard_route(req, cfg, metrics, fetch, extra=extra)

        stopping = lambda: state.stopping  # noqa: E731
        if protocol == "http":
            serve_http_connection(sock, route, metrics, stopping, first=first, on_busy_change=state.on_busy)
        else:
            serve_line_connection(sock, cfg, metrics, fetch, stopping, on_busy_change=state.on_busy)
    except BaseException:  # noqa: BLE001
        code = 1
        try:
            import traceback
            traceback.print_exc(file=sys.stderr)
        except BaseException:  # noqa: BLE001
            pass
    finally:
        os._exit(code)


# --- the parent side --------------------------------------------------------------------------

class ForkServer:
    def __init__(self, cfg: ServiceConfig, metrics: LabMetrics, max_children: int):
        self.cfg, self.metrics, self.max_children = cfg, metrics, max_children
        self.stop_event = threading.Event()
        self.children: Dict[int, Child] = {}
        self.lock = threading.Lock()  # children + event application
        self.have_children = threading.Event()
        self.events_r, self.events_w = os.pipe()
        os.set_blocking(self.events_r, False)
        self.partial = b""
        self.tmpdir = tempfile.mkdtemp(prefix="python-processes-")
        self.guard_path = os.path.join(self.tmpdir, "overhead.lock")
        self.http_sock = listen(cfg.bind, cfg.port)
        self.line_sock = listen(cfg.bind, cfg.line_port)
        metrics.set_units_function(lambda: float(len(self.children)))

    def fetch(self, url: str):
        return fetch_translation_blocking(url, self.cfg.upstream_timeout_ms)

    def parent_metrics_url(self) -> str:
        host = self.cfg.bind
        if host in ("0.0.0.0", ""):
            host = "127.0.0.1"
        elif host == "::":
            host = "::1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.http_sock.getsockname()[1]}/metrics"

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
                child = self.children.get(int(f[1]))
                if child is not None:  # a reaped child's late lines are already accounted for
                    child.inflight += int(f[3])
                    m.inflight_add(f[2], int(f[3]))
        except (IndexError, ValueError):
            sys.stderr.write(f"{IMPL}: ignored a malformed event from a child: {f!r}\n")

    def event_loop(self) -> None:
        while True:
            select.select([self.events_r], [], [], 0.5)
            self.drain_events()

    # --- children ---------------------------------------------------------------------------
    def fork_child(self, sock, protocol: str, first=None) -> None:
        with self.lock:
            pid = os.fork()
            if pid == 0:
                child_main(sock, protocol, self, first)  # never returns
            self.children[pid] = Child(protocol)
        self.metrics.connections_add(protocol, 1)
        self.have_children.set()
        sock.close()

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
                child = self.children.pop(pid, None)
            if child is not None:
                if child.inflight:
                    self.metrics.inflight_add(child.protocol, -child.inflight)
                self.metrics.connections_add(child.protocol, -1)

    def full(self) -> bool:
        return len(self.children) >= self.max_children

    def busy_reason(self) -> str:
        return f"busy: {len(self.children)} connections are being served, MAX_CHILDREN is {self.max_children}"

    # --- accepting --------------------------------------------------------------------------
    def accept_loop(self, lsock, on_accept) -> None:
        lsock.settimeout(0.25)
        while not self.stop_event.is_set():
            try:
                sock, _ = lsock.accept()
            except OSError:
                continue
            sock.settimeout(None)
            try:
                on_accept(sock)
            except OSError:
                _close(sock)
        lsock.close()

    def on_line(self, sock) -> None:
        if self.full():
            self.metrics.request_done("line", "busy", 0.0)
            try:
                sock.sendall(BUSY)
            finally:
                _close(sock)
            return
        self.fork_child(sock, "line")

    def on_http(self, sock) -> None:
        # The parent reads the first request to serve /healthz and /metrics itself: they must
        # answer while every child is busy (and a child's /metrics asks the parent).
        threading.Thread(target=self.triage_http, args=(sock,), daemon=True).start()

    def triage_http(self, sock) -> None:
        set_nodelay(sock)
        sock.settimeout(TRIAGE_TIMEOUT_S)
        reader = BufferedSocket(sock)
        try:
            while True:
                try:
                    req = read_request(reader)
                except HttpError as e:
                    send_response(sock, e.status, text_body(e.reason), keep_alive=False)
                    return _close(sock)
                if req is None:
                    return _close(sock)
                if req.method == "GET" and req.path in PARENT_ROUTES:
                    if req.path == "/metrics":
                        self.drain_events()
                        send_response(sock, 200, self.metrics.render(), CONTENT_TYPE, req.keep_alive)
                    else:
                        send_response(sock, 200, b"ok\n", keep_alive=req.keep_alive)
                    if not req.keep_alive:
                        return _close(sock)
                    continue
                if self.stop_event.is_set():
                    send_response(sock, 503, text_body("stopping"), keep_alive=False)
                    return _close(sock)
                if self.full():
                    self.metrics.request_done("http", "busy", 0.0)
                    send_response(sock, 503, text_body(self.busy_reason()), keep_alive=False)
                    return _close(sock)
                sock.settimeout(None)
                return self.fork_child(sock, "http", first=(reader, req))
        except OSError:
            _close(sock)

    # --- life cycle -------------------------------------------------------------------------
    def serve_forever(self) -> None:
        for target, args in ((self.accept_loop, (self.http_sock, self.on_http)),
                             (self.accept_loop, (self.line_sock, self.on_line)),
                             (self.reap_loop, ()), (self.event_loop, ())):
            threading.Thread(target=target, args=args, daemon=True).start()
        while not self.stop_event.wait(0.5):
            pass
        self.drain()

    def stop(self, *_args) -> None:
        self.stop_event.set()

    def drain(self) -> None:
        """Children that are idle exit at SIGTERM; busy ones finish their answer first. After
        DRAIN_SECONDS the rest get SIGKILL. All are reaped before the parent exits."""
        time.sleep(0.3)  # the accept loops notice the stop within their 0.25 s accept timeout
        with self.lock:
            pids = list(self.children)
        for pid in pids:
            _kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + DRAIN_SECONDS
        while self.children and time.monotonic() < deadline:
            time.sleep(0.05)
        with self.lock:
            pids = list(self.children)
        for pid in pids:
            _kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 2
        while self.children and time.monotonic() < deadline:
            time.sleep(0.05)
        shutil.rmtree(self.tmpdir, ignore_errors=True)


def _kill(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _close(sock) -> None:
    try:
        sock.close()
    except OSError:
        pass


def read_max_children() -> int:
    raw = os.environ.get("MAX_CHILDREN", "").strip()
    if raw == "":
        return DEFAULT_MAX_CHILDREN
    if not raw.isdigit() or not 1 <= int(raw) <= 100_000:
        sys.stderr.write(f"{IMPL}: bad configuration: MAX_CHILDREN must be an integer from 1 to 100000, got '{raw}'\n")
        sys.exit(2)
    return int(raw)


def main() -> None:
    cfg = read_config_or_exit(IMPL)
    max_children = read_max_children()
    metrics = LabMetrics(IMPL, MODEL, python_runtime(), "processes")
    try:
        server = ForkServer(cfg, metrics, max_children)
    except OSError as err:
        sys.stderr.write(f"{IMPL}: cannot listen on {cfg.bind}:{cfg.port}/{cfg.line_port}: {err}\n")
        sys.exit(2)
    signal.signal(signal.SIGTERM, server.stop)
    signal.signal(signal.SIGINT, server.stop)
    sys.stderr.write(f"{IMPL}: listening http={server.http_sock.getsockname()[1]} "
                     f"line={server.line_sock.getsockname()[1]} bind={cfg.bind} upstream={cfg.upstream_url} "
                     f"max_children={max_children}\n")
    sys.stderr.flush()
    server.serve_forever()
    sys.exit(0)


if __name__ == "__main__":
    main()
