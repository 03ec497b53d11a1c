"""python-threads (module threadecho): an OS thread per connection, blocking sockets, urllib (threadecho2.py).

gevent-monkey imports this module unchanged after `monkey.patch_all()` and calls main(): every
primitive here (threading, socket, time.sleep, urllib, queue) is one gevent patches, so the
same code then runs a greenlet per connection. Nothing happens at import time."""
import os
import signal
import sys
import threading
import time
from typing import Optional, Set

from labcommon.blocking import Answer, serve_http_connection, serve_line_connection, standard_route
from labcommon.config import ServiceConfig, read_config_or_exit
from labcommon.httpwire import listen
from labcommon.metrics import LabMetrics, python_runtime
from labcommon.overhead import BUSY_REASON, ExperimentGuard, overhead_result
from labcommon.runtime import count_thread_units, gevent_patched, gevent_version, thread_unit
from labcommon.upstream import fetch_translation_blocking
from labcommon.validation import parse_overhead_query
from thread_overhead import run_overhead

MODEL_THREADS = "OS thread per connection (blocking sockets, urllib)"
MODEL_GEVENT = "the python-threads code unchanged, plus monkey.patch_all() first"
DRAIN_SECONDS = 10.0  # how long SIGTERM waits for in-flight requests


class Connection:
    """An accepted socket and whether it is inside a request, so that a stop can cut idle
    keep-alive connections at once and let busy ones finish."""
    __slots__ = ("sock", "busy")

    def __init__(self, sock):
        self.sock, self.busy = sock, False


class ThreadedServer:
    def __init__(self, cfg: ServiceConfig, metrics: LabMetrics):
        self.cfg, self.metrics = cfg, metrics
        self.stop_event = threading.Event()
        self.guard = ExperimentGuard()
        self.conns: Set[Connection] = set()
        self.conns_lock = threading.Lock()
        self.http_sock = listen(cfg.bind, cfg.port)
        self.line_sock = listen(cfg.bind, cfg.line_port)

    # --- the job --------------------------------------------------------------------------
    def fetch(self, url: str):
        return fetch_translation_blocking(url, self.cfg.upstream_timeout_ms)

    def route(self, req):
        return standard_route(req, self.cfg, self.metrics, self.fetch, extra=self.extra_route)

    def extra_route(self, req) -> Optional[Answer]:
        if req.path != "/overhead":
            return None
        params, reason = parse_overhead_query(req.query)
        if reason:
            return Answer.text(400, reason)
        if not self.guard.try_start():
            return Answer.text(409, BUSY_REASON)
        try:
            return Answer.json(200, overhead_result(params, run_overhead(params)))
        finally:
            self.guard.finish()

    # --- connections ----------------------------------------------------------------------
    def accept_loop(self, lsock, serve) -> None:
        # A timeout on accept lets the loop notice a stop without closing the socket under it.
        lsock.settimeout(0.25)
        while not self.stop_event.is_set():
            try:
                sock, _ = lsock.accept()
            except OSError:  # includes socket.timeout
                continue
            sock.settimeout(None)
            conn = Connection(sock)
            with self.conns_lock:
                self.conns.add(conn)
            threading.Thread(target=self.run_connection, args=(conn, serve), daemon=True).start()
        lsock.close()

    def run_connection(self, conn: Connection, serve) -> None:
        def on_busy(flag: bool) -> None:
            conn.busy = flag
        try:
            serve(conn.sock, on_busy)
        finally:
            with self.conns_lock:
                self.conns.discard(conn)

    def serve_http(self, sock, on_busy) -> None:
        serve_http_connection(sock, self.route, self.metrics, self.stop_event.is_set, on_busy_change=on_busy)

    def serve_line(self, sock, on_busy) -> None:
        serve_line_connection(sock, self.cfg, self.metrics, self.fetch, self.stop_event.is_set, on_busy_change=on_busy)

    # --- life cycle -----------------------------------------------------------------------
    def serve_forever(self) -> None:
        for lsock, serve in ((self.http_sock, self.serve_http), (self.line_sock, self.serve_line)):
            threading.Thread(target=self.accept_loop, args=(lsock, serve), daemon=True).start()
        while not self.stop_event.wait(0.5):
            pass
        self.drain()

    def stop(self, *_signal_args) -> None:
        self.stop_event.set()

    def drain(self) -> None:
        """Idle connections are cut now; busy ones answer, then close (the loops check
        stopping after each answer); after DRAIN_SECONDS the rest are cut too."""
        deadline = time.monotonic() + DRAIN_SECONDS
        while True:
            with self.conns_lock:
                conns = list(self.conns)
            for c in conns:
                if not c.busy:
                    _shutdown(c.sock)
            if not conns or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        for c in conns:
            _shutdown(c.sock)


def _shutdown(sock) -> None:
    import socket
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def main(impl: Optional[str] = None) -> None:
    """impl: the name to report; default $LAB_IMPL or 'gevent-monkey' when patched, else
    'python-threads'."""
    patched = gevent_patched()
    impl = impl or os.environ.get("LAB_IMPL") or ("gevent-monkey" if patched else "python-threads")
    cfg = read_config_or_exit(impl)
    runtime = python_runtime(f"gevent {gevent_version()}" if patched else None)
    metrics = LabMetrics(impl, MODEL_GEVENT if patched else MODEL_THREADS, runtime, thread_unit())
    metrics.set_units_function(count_thread_units)
    try:
        server = ThreadedServer(cfg, metrics)
    except OSError as err:
        sys.stderr.write(f"{impl}: cannot listen on {cfg.bind}:{cfg.port}/{cfg.line_port}: {err}\n")
        sys.exit(2)
    signal.signal(signal.SIGTERM, server.stop)
    signal.signal(signal.SIGINT, server.stop)
    # One parseable line: tests start the service with PORT=0 and read the ports from it.
    sys.stderr.write(f"{impl}: listening http={server.http_sock.getsockname()[1]} "
                     f"line={server.line_sock.getsockname()[1]} bind={cfg.bind} upstream={cfg.upstream_url}\n")
    sys.stderr.flush()
    server.serve_forever()
    sys.exit(0)


if __name__ == "__main__":
    main()
