"""python-threads (threadecho2.py): an OS thread per connection, blocking sockets, urllib.
gevent-monkey runs this module unchanged after `monkey.patch_all()`: every primitive here is one
gevent patches, so the same code then runs a greenlet per connection. Nothing runs at import."""
import os
import signal
import sys
import threading
from typing import Optional

from labcommon.blocking import Answer, serve_http_connection, standard_route
from labcommon.config import ServiceConfig, read_config_or_exit
from labcommon.connections import ConnectionSet
from labcommon.httpwire import listen
from labcommon.lineproto import echo_answer
from labcommon.linesession import LineSession
from labcommon.metrics import LabMetrics, python_runtime
from labcommon.overhead import BUSY_REASON, ExperimentGuard, overhead_result
from labcommon.runtime import count_thread_units, gevent_patched, gevent_version, thread_unit
from labcommon.upstream import fetch_translation_blocking, upstream_url
from labcommon.validation import parse_overhead_query
from thread_overhead import run_overhead


class ThreadedServer:
    def __init__(self, cfg: ServiceConfig, metrics: LabMetrics):
        self.cfg, self.metrics = cfg, metrics
        self.stop_event = threading.Event()
        self.guard = ExperimentGuard()
        self.conns = ConnectionSet()
        self.http_sock = listen(cfg.bind, cfg.port)
        self.line_sock = listen(cfg.bind, cfg.line_port)

    # --- threadecho2.py: accept, a thread per connection; it reads a line, fetches, writes ---
    def accept_loop(self, lsock, serve) -> None:
        lsock.settimeout(0.25)  # wakes up to notice a stop without closing the socket under it
        while not self.stop_event.is_set():
            try:
                sock, _ = lsock.accept()
            except OSError:  # includes socket.timeout
                continue
            sock.settimeout(None)
            conn = self.conns.add(sock)
            threading.Thread(target=self.conns.serve, args=(conn, serve), daemon=True).start()
        lsock.close()

    def echo(self, conn) -> None:
        """threadecho2.py's echo(): blocking readline, blocking fetch, blocking write, repeat."""
        with LineSession(conn.sock, self.metrics, self.stop_event.is_set, conn.mark_busy) as lines:
            for text in lines:
                with lines.request():
                    translation, seconds = self.fetch(upstream_url(self.cfg.upstream_url, text))
                    self.metrics.observe_upstream(seconds)
                    lines.answer(echo_answer(translation))

    def fetch(self, url: str):
        """urllib.urlopen(url).read(): one blocking HTTP GET, (translation, seconds)."""
        return fetch_translation_blocking(url, self.cfg.upstream_timeout_ms)

    # --- the same job over HTTP/1.1 keep-alive, and /overhead ---------------------------------
    def serve_http(self, conn) -> None:
        serve_http_connection(conn.sock, self.route, self.metrics, self.stop_event.is_set, on_busy_change=conn.mark_busy)

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

    # --- life cycle -----------------------------------------------------------------------
    def serve_forever(self) -> None:
        for lsock, serve in ((self.http_sock, self.serve_http), (self.line_sock, self.echo)):
            threading.Thread(target=self.accept_loop, args=(lsock, serve), daemon=True).start()
        while not self.stop_event.wait(0.5):
            pass
        self.conns.drain(DRAIN_SECONDS)

    def stop(self, *_signal_args) -> None:
        self.stop_event.set()


DRAIN_SECONDS = 10.0  # how long SIGTERM waits for in-flight requests
MODEL_THREADS = "OS thread per connection (blocking sockets, urllib)"
MODEL_GEVENT = "the python-threads code unchanged, plus monkey.patch_all() first"


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
