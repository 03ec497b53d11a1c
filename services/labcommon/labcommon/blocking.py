"""The HTTP side of rows that serve each connection with blocking calls in its own unit of
concurrency (an OS thread, a greenlet, a forked process): the keep-alive loop and the router.
The row supplies what differs: how to fetch (`fetch(url) -> (translation, seconds)`), and its
extra routes. The line protocol's loop is the row's own (linesession.py is its plumbing).

Every counter and gauge goes back to where it was when a client vanishes mid-request:
the guards are context managers and every exit path is a `finally`."""
import contextlib
import json
import sys
import time
import traceback
from typing import Callable, Optional, Tuple

from .config import ServiceConfig
from .cpuwork import cpu_job
from .httpwire import (JSON, TEXT, BufferedSocket, HttpError, Request, read_request, send_response,
                       set_nodelay, text_body)
from .lineproto import echo_answer
from .metrics import CONTENT_TYPE, ConnectionGuard, InflightGuard, LabMetrics
from .upstream import UpstreamFailure, echo_url
from .validation import EchoParams, parse_echo_query

# Scrapes and health checks are not the job: counting them in flight would make every scrape
# see itself (lab_inflight_requests never 0).
OBSERVER_PATHS = frozenset(("/metrics", "/healthz"))
_NOT_COUNTED = contextlib.nullcontext()

# fetch(url) -> (translation, seconds); raises UpstreamFailure.
Fetch = Callable[[str], Tuple[str, float]]


class Answer:
    """What a route answers. outcome=None: not an echo request, not counted in
    lab_requests_total (healthz, metrics, overhead, 404)."""
    __slots__ = ("status", "body", "content_type", "outcome", "close")

    def __init__(self, status: int, body: bytes, content_type: str = TEXT, outcome: Optional[str] = None,
                 close: bool = False):
        self.status, self.body, self.content_type, self.outcome, self.close = status, body, content_type, outcome, close

    @classmethod
    def text(cls, status: int, message: str, outcome: Optional[str] = None, close: bool = False) -> "Answer":
        return cls(status, text_body(message), TEXT, outcome, close)

    @classmethod
    def json(cls, status: int, obj) -> "Answer":
        return cls(status, (json.dumps(obj) + "\n").encode("utf-8"), JSON)


# Route(request) -> Answer or None (None: not this row's route, fall through to 404)
Route = Callable[[Request], Optional[Answer]]


def do_echo(params: EchoParams, cfg: ServiceConfig, metrics: LabMetrics, fetch: Fetch) -> Tuple[str, str]:
    """Fetch the translation, then the cpu work (cpu_iters, cpu_ms). Returns (translation, 'ok') or raises
    UpstreamFailure (already observed in lab_upstream_duration_seconds when it took time)."""
    url = echo_url(cfg.upstream_url, params)
    translation, seconds = fetch(url)
    metrics.observe_upstream(seconds)
    cpu_job(params)
    return translation, "ok"


def echo_route(req: Request, cfg: ServiceConfig, metrics: LabMetrics, fetch: Fetch) -> Answer:
    params, reason = parse_echo_query(req.query)
    if reason:
        return Answer.text(400, reason, outcome="bad_request")
    try:
        translation, outcome = do_echo(params, cfg, metrics, fetch)
    except UpstreamFailure as f:
        return Answer.text(f.status, f"error: {f.reason}", outcome=f.outcome)
    return Answer(200, echo_answer(translation), TEXT, outcome)


def standard_route(req: Request, cfg: ServiceConfig, metrics: LabMetrics, fetch: Fetch,
                   extra: Optional[Route] = None) -> Answer:
    """/echo, /healthz, /metrics, then the row's `extra` routes (e.g. /overhead), else 404.
    Only GET (and HEAD-less) requests are served."""
    if req.method != "GET":
        return Answer.text(405, f"method {req.method[:20]} not allowed, use GET")
    if req.path == "/echo":
        return echo_route(req, cfg, metrics, fetch)
    if req.path == "/healthz":
        return Answer.text(200, "ok")
    if req.path == "/metrics":
        return Answer(200, metrics.render(), CONTENT_TYPE)
    if extra is not None:
        answer = extra(req)
        if answer is not None:
            return answer
    return Answer.text(404, f"no route {req.path[:200]}")


def serve_http_connection(sock, route: Route, metrics: LabMetrics, stopping: Callable[[], bool] = lambda: False,
                          first: Optional[Tuple[BufferedSocket, Request]] = None,
                          on_busy_change: Optional[Callable[[bool], None]] = None) -> None:
    """Serves one HTTP/1.1 keep-alive connection until the client closes, asks to close, a
    parse error, or stopping() is true after an answer. Closes the socket at the end.
    `first`: a request already read by the caller (python-processes parses in the parent).
    `on_busy_change(True/False)` marks when a request is being served (for graceful stop)."""
    set_nodelay(sock)
    reader = first[0] if first else BufferedSocket(sock)
    pending = first[1] if first else None
    with ConnectionGuard(metrics, "http"):
        try:
            while True:
                req = pending
                pending = None
                if req is None:
                    try:
                        req = read_request(reader)
                    except HttpError as e:
                        send_response(sock, e.status, text_body(e.reason), keep_alive=False)
                        return
                    if req is None:
                        return
                started = time.monotonic()
                if on_busy_change:
                    on_busy_change(True)
                try:
                    with (_NOT_COUNTED if req.path in OBSERVER_PATHS else InflightGuard(metrics, "http")):
                        answer = _safe_route(route, req)
                        keep = req.keep_alive and not answer.close and not stopping()
                        # Recorded before the answer leaves, so a scrape made right after the
                        # client got it already counts it (forked children report by pipe).
                        if answer.outcome is not None:
                            metrics.request_done("http", answer.outcome, time.monotonic() - started)
                        send_response(sock, answer.status, answer.body, answer.content_type, keep)
                finally:
                    if on_busy_change:
                        on_busy_change(False)
                if not keep:
                    return
        except OSError:
            return  # client vanished: nothing to answer, guards undo the gauges
        finally:
            _close(sock)


def _safe_route(route: Route, req: Request) -> Answer:
    """A bug in a route answers 500 and is logged; it never kills the connection's unit
    silently with the client left waiting."""
    try:
        return route(req)
    except Exception as exc:  # noqa: BLE001
        traceback.print_exc(file=sys.stderr)
        return Answer.text(500, f"internal error: {type(exc).__name__}", close=True)


def _close(sock) -> None:
    try:
        sock.close()
    except OSError:
        pass
