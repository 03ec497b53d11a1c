"""gevent-explicit: greenlets WITHOUT monkey patching (geventecho3.py). Nothing in the standard
library is patched; this file uses gevent's own StreamServer, pywsgi server and gevent.socket
(through gevent_fetch) explicitly, so every wait is a visible switch to gevent's hub.
main() at the bottom starts StreamServer(..., handle_line): a greenlet per connection."""
import signal
import sys
import time
from urllib.parse import urlsplit

import gevent
import gevent.event
import gevent.pool
from gevent import pywsgi
from gevent.server import StreamServer

from labcommon.blocking import Answer, standard_route
from labcommon.config import read_config_or_exit
from labcommon.httpwire import REASONS, TEXT, Request, limit_refusal, set_nodelay, text_body, wsgi_fields
from labcommon.lineproto import echo_answer
from labcommon.linesession import LineSession
from labcommon.metrics import LabMetrics, python_runtime
from labcommon.overhead import BUSY_REASON, ExperimentGuard, overhead_result
from labcommon.upstream import UpstreamFailure, translation_from, upstream_url
from labcommon.validation import parse_overhead_query

import gevent_fetch
import gevent_overhead


def handle_line(sock, _address):
    """geventecho3.py's echo(), in the connection's greenlet: read a line, fetch, write; each
    wait below (recv, the fetch's connect/send/recv, sendall) is a switch to gevent's hub."""
    with LineSession(sock, metrics, stop_requested.is_set) as lines:
        for text in lines:
            with lines.request():
                translation, seconds = fetch(upstream_url(cfg.upstream_url, text))
                metrics.observe_upstream(seconds)
                lines.answer(echo_answer(translation))


def fetch(url):
    """geventecho3.py's gevent_url_fetch(url).read(), over gevent.socket (gevent_fetch.py):
    url -> (translation, seconds), or UpstreamFailure."""
    parts = urlsplit(url)
    started = time.monotonic()
    try:
        status, body = gevent_fetch.fetch(upstream_pool, "%s?%s" % (parts.path, parts.query), cfg.upstream_timeout_s)
    except gevent_fetch.UpstreamTimeout:
        raise UpstreamFailure.timeout(cfg.upstream_timeout_ms)
    except gevent_fetch.UpstreamRefused:
        raise UpstreamFailure.refused()
    except gevent_fetch.UpstreamError as err:
        raise UpstreamFailure.other(str(err))
    return translation_from(status, body), time.monotonic() - started


IMPL = "gevent-explicit"
# SIGTERM waits this long at most for requests in flight (the upstream timeout bounds each one).
MAX_DRAIN_S = 10.0

cfg = read_config_or_exit(IMPL)
metrics = LabMetrics(impl=IMPL, model="greenlets, gevent StreamServer, hand-written gevent fetch",
                     runtime=python_runtime("gevent %s" % gevent.__version__), unit="greenlets")
# The servers spawn each connection's greenlet into these groups, so a scrape counts live
# greenlets by their sizes. (It walked the heap with gc.get_objects() before: ~25 ms of CPU per
# scrape of an idle row every 2 s, mostly cache misses, 2% of a core for being observed.)
http_greenlets = gevent.pool.Pool()  # unbounded: a Pool, since gevent's servers take a Pool, not a Group
line_greenlets = gevent.pool.Pool()
# + 2: the main greenlet (waiting for SIGTERM in main()) and gevent's hub.
metrics.set_units_function(lambda: 2 + len(http_greenlets) + len(line_greenlets) + gevent_overhead.live_greenlets())

_upstream = urlsplit(cfg.upstream_url)
upstream_pool = gevent_fetch.KeepAlivePool(_upstream.hostname, _upstream.port or 80)
stop_requested = gevent.event.Event()
experiment_guard = ExperimentGuard()  # not patched: a plain lock, only ever tried, never waited on


def overhead_route(req):
    if req.path != "/overhead":
        return None
    params, reason = parse_overhead_query(req.query)
    if reason:
        return Answer.text(400, reason)
    if not experiment_guard.try_start():
        return Answer.text(409, BUSY_REASON)
    try:
        return Answer.json(200, overhead_result(params, gevent_overhead.run_overhead(params)))
    finally:
        experiment_guard.finish()


def wsgi_app(environ, start_response):
    """Every route through labcommon's router; pywsgi only parses and writes."""
    refused = limit_refusal(wsgi_fields(environ), environ.get("CONTENT_LENGTH"))
    if refused:  # the contract's 431/413, not counted (contract/README.md, "Limits")
        body = text_body(refused[1])
        start_response("%d %s" % (refused[0], REASONS[refused[0]]),
                       [("Content-Type", TEXT), ("Content-Length", str(len(body))), ("Connection", "close")])
        return [body]
    req = Request(environ["REQUEST_METHOD"], environ.get("RAW_URI", ""), environ.get("PATH_INFO", ""),
                  environ.get("QUERY_STRING", ""), environ.get("SERVER_PROTOCOL", "HTTP/1.1"))
    started = time.monotonic()
    # Only /echo is a request in flight: counting the /metrics scrape itself would make the
    # gauge read 1 at every scrape.
    counted = req.path == "/echo"
    if counted:
        metrics.inflight_add("http", 1)
    try:
        answer = standard_route(req, cfg, metrics, fetch, extra=overhead_route)
    finally:
        if counted:
            metrics.inflight_add("http", -1)
    if answer.outcome is not None:
        # Recorded before the write, like labcommon's own loops: the work was done even if
        # the client has left by now.
        metrics.request_done("http", answer.outcome, time.monotonic() - started)
    status = "%d %s" % (answer.status, _REASONS.get(answer.status, "Unknown"))
    start_response(status, [("Content-Type", answer.content_type), ("Content-Length", str(len(answer.body)))])
    return [answer.body]


_REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 409: "Conflict",
            500: "Internal Server Error", 502: "Bad Gateway", 504: "Gateway Timeout"}


class CountingWSGIServer(pywsgi.WSGIServer):
    def handle(self, sock, address):
        # pywsgi sends the headers and the body in two sendall calls: without NODELAY the body
        # waits for the client's delayed ACK (~40 ms per keep-alive request).
        set_nodelay(sock)
        metrics.connections_add("http", 1)
        try:
            pywsgi.WSGIServer.handle(self, sock, address)
        finally:
            metrics.connections_add("http", -1)


def inflight():
    return sum(metrics.sample("lab_inflight_requests", {"protocol": p}) or 0 for p in ("http", "line"))


def main():
    http_server = CountingWSGIServer((cfg.bind, cfg.port), wsgi_app, log=None, backlog=1024, spawn=http_greenlets)
    line_server = StreamServer((cfg.bind, cfg.line_port), handle_line, backlog=1024, spawn=line_greenlets)
    try:
        http_server.start()
        line_server.start()
    except OSError as err:
        sys.stderr.write("%s: cannot listen: %s\n" % (IMPL, err))
        return 1
    # One parseable line (stderr, like every Python row): with PORT=0 the tests read the
    # OS-chosen ports from it.
    sys.stderr.write("%s: listening http=%d line=%d bind=%s upstream=%s\n"
                     % (IMPL, http_server.server_port, line_server.server_port, cfg.bind, cfg.upstream_url))
    sys.stderr.flush()
    gevent.signal_handler(signal.SIGTERM, stop_requested.set)
    gevent.signal_handler(signal.SIGINT, stop_requested.set)
    stop_requested.wait()
    # Stop accepting, give requests in flight a bounded time, then close whatever is left
    # (idle keep-alive and line connections would otherwise wait forever on a read).
    http_server.close()
    line_server.close()
    deadline = time.monotonic() + min(cfg.upstream_timeout_s + 0.5, MAX_DRAIN_S)
    while inflight() > 0 and time.monotonic() < deadline:
        gevent.sleep(0.05)
    http_server.stop(timeout=0.1)
    line_server.stop(timeout=0.1)
    upstream_pool.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
