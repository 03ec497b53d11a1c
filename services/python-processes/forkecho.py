"""python-processes (module forkecho): a process per connection, by os.fork (the "Processes"
section of the article). The parent accepts and forks; each connection's child runs the job's
blocking loop, echo() below: read a line, fetch, write, as python-threads' threads do. The
parent serves /healthz and /metrics itself. Plumbing: fork_children.py (the children's metrics
by pipe, reaping, the drain) and fork_overhead.py (/overhead)."""
import os
import shutil
import signal
import sys
import tempfile
import threading
import time

from labcommon.blocking import serve_http_connection, standard_route
from labcommon.config import ServiceConfig, read_config_or_exit
from labcommon.httpwire import BufferedSocket, HttpError, listen, read_request, send_response, set_nodelay, text_body
from labcommon.lineproto import BUSY, echo_answer
from labcommon.linesession import LineSession
from labcommon.metrics import CONTENT_TYPE, LabMetrics, python_runtime
from labcommon.upstream import fetch_translation_blocking, upstream_url
from fork_children import IMPL, ChildMetrics, ChildState, Children
from fork_overhead import overhead_answer

MODEL = "process per connection (fork)"
DEFAULT_MAX_CHILDREN = 256
DRAIN_SECONDS = 10.0
TRIAGE_TIMEOUT_S = 30.0  # a client that connects and sends nothing holds a parent thread this long
PARENT_ROUTES = ("/healthz", "/metrics")


def echo(sock, server: "ForkServer", metrics: ChildMetrics, state: ChildState) -> None:
    """In the connection's own child: blocking readline, blocking fetch, blocking write, repeat."""
    with LineSession(sock, metrics, lambda: state.stopping, state.on_busy) as lines:
        for text in lines:
            with lines.request():
                translation, seconds = server.fetch(upstream_url(server.cfg.upstream_url, text))
                metrics.observe_upstream(seconds)
                lines.answer(echo_answer(translation))


def child_main(sock, protocol: str, server: "ForkServer", first=None) -> None:
    """Runs in the forked child: serve the connection, then _exit (never return into the
    parent's code, never run its atexit handlers or flush its buffers)."""
    code = 0
    try:
        state = ChildState()
        signal.signal(signal.SIGTERM, state.on_term)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the group; the parent decides
        metrics = ChildMetrics(server.children.events_w, server.parent_metrics_url())
        for lsock in (server.http_sock, server.line_sock):
            lsock.close()
        os.close(server.children.events_r)
        if protocol == "line":
            return echo(sock, server, metrics, state)

        def route(req):
            extra = lambda r: overhead_answer(r, server.guard_path) if r.path == "/overhead" else None  # noqa: E731
            return standard_route(req, server.cfg, metrics, server.fetch, extra=extra)

        serve_http_connection(sock, route, metrics, lambda: state.stopping, first=first, on_busy_change=state.on_busy)
    except BaseException:  # noqa: BLE001
        code = 1
        try:
            import traceback
            traceback.print_exc(file=sys.stderr)
        except BaseException:  # noqa: BLE001
            pass
    finally:
        os._exit(code)


class ForkServer:
    def __init__(self, cfg: ServiceConfig, metrics: LabMetrics, max_children: int):
        self.cfg, self.metrics = cfg, metrics
        self.stop_event = threading.Event()
        self.children = Children(metrics, max_children)
        self.tmpdir = tempfile.mkdtemp(prefix="python-processes-")
        self.guard_path = os.path.join(self.tmpdir, "overhead.lock")
        self.http_sock = listen(cfg.bind, cfg.port)
        self.line_sock = listen(cfg.bind, cfg.line_port)

    # --- accept, fork a child per connection: it reads a line, fetches, writes (echo above) --
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
        if self.children.full():
            self.metrics.request_done("line", "busy", 0.0)
            try:
                sock.sendall(BUSY)
            finally:
                _close(sock)
            return
        self.fork_child(sock, "line")

    def fork_child(self, sock, protocol: str, first=None) -> None:
        with self.children.lock:
            pid = os.fork()
            if pid == 0:
                child_main(sock, protocol, self, first)  # never returns
            self.children.add(pid, protocol)
        self.children.started(protocol)
        sock.close()

    def fetch(self, url: str):
        """A blocking urllib GET: (translation, seconds)."""
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

    # --- HTTP: the parent answers /healthz and /metrics, a child the rest ------------------
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
                        self.children.drain_events()
                        send_response(sock, 200, self.metrics.render(), CONTENT_TYPE, req.keep_alive)
                    else:
                        send_response(sock, 200, b"ok\n", keep_alive=req.keep_alive)
                    if not req.keep_alive:
                        return _close(sock)
                    continue
                if self.stop_event.is_set():
                    send_response(sock, 503, text_body("stopping"), keep_alive=False)
                    return _close(sock)
                if self.children.full():
                    self.metrics.request_done("http", "busy", 0.0)
                    send_response(sock, 503, text_body(self.children.busy_reason()), keep_alive=False)
                    return _close(sock)
                sock.settimeout(None)
                return self.fork_child(sock, "http", first=(reader, req))
        except OSError:
            _close(sock)

    # --- life cycle -------------------------------------------------------------------------
    def serve_forever(self) -> None:
        for target, args in ((self.accept_loop, (self.http_sock, self.on_http)),
                             (self.accept_loop, (self.line_sock, self.on_line)),
                             (self.children.reap_loop, ()), (self.children.event_loop, ())):
            threading.Thread(target=target, args=args, daemon=True).start()
        while not self.stop_event.wait(0.5):
            pass
        self.drain()

    def stop(self, *_args) -> None:
        self.stop_event.set()

    def drain(self) -> None:
        time.sleep(0.3)  # the accept loops notice the stop within their 0.25 s accept timeout
        self.children.drain(DRAIN_SECONDS)
        shutil.rmtree(self.tmpdir, ignore_errors=True)


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
