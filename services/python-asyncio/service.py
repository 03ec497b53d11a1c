"""python-asyncio: the modern successor of the callback and greenlet rows. One event loop;
each request and each line connection is a coroutine that `await`s the upstream through one
shared aiohttp.ClientSession. The switch points are exactly the `await`s."""
import asyncio
import json
import signal
import sys
import time

import aiohttp
from aiohttp import web

from labcommon.aiohttp_limits import PARSER_LIMITS, refuse_over_limits
from labcommon.config import read_config_or_exit
from labcommon.cpuwork import cpu_job
from labcommon.httpwire import JSON, TEXT, text_body
from labcommon.lineproto import LINE_TOO_LONG, MAX_LINE_BYTES, decode_line, echo_answer, error_answer
from labcommon.metrics import CONTENT_TYPE, ConnectionGuard, LabMetrics, python_runtime
from labcommon.overhead import BUSY_REASON, ExperimentGuard, overhead_result
from labcommon.upstream import UpstreamFailure, echo_url, translation_from, upstream_url
from labcommon.validation import check_text, parse_echo_query, parse_overhead_query

import asyncio_overhead

IMPL = "python-asyncio"
MODEL = "asyncio coroutines (aiohttp)"
# SIGTERM waits this long at most for requests in flight (the upstream timeout bounds each one).
MAX_DRAIN_S = 10.0

# Set by run() in the name of the row that runs this code: python-asyncio, or python-uvloop,
# which runs this same file on its own event loop.
cfg = None
metrics = None


async def serve_line(reader, writer):
    """threadecho2.py's loop as a coroutine, one per connection (asyncio.start_server in main()
    below): read a line, await the fetch (line_answer), write the answer, until EOF. Each await
    is a switch point: the loop runs another coroutine meanwhile."""
    upstream = app_state["upstream"]
    with ConnectionGuard(metrics, "line"):
        try:
            while not stopping.is_set():
                try:
                    raw = await reader.readuntil(b"\n")
                except asyncio.LimitOverrunError:
                    metrics.request_done("line", "bad_request", 0.0)  # an answered error line (contract)
                    writer.write(LINE_TOO_LONG)
                    await writer.drain()
                    return
                except asyncio.IncompleteReadError as eof:
                    if not eof.partial:
                        return
                    raw = eof.partial  # a last line without its newline is still answered
                writer.write(await line_answer(raw, upstream))
                await writer.drain()
        except (ConnectionError, OSError):
            return  # the client vanished; the guard undoes the gauge
        finally:
            writer.close()


async def line_answer(raw, upstream):
    started = time.monotonic()
    outcome = None
    metrics.inflight_add("line", 1)
    try:
        text = decode_line(raw)
        reason = check_text(text)
        if reason:
            outcome = "bad_request"
            return error_answer(reason)
        try:
            translation = await upstream.translate(upstream_url(cfg.upstream_url, text))
        except UpstreamFailure as f:
            outcome = f.outcome
            return error_answer(f.reason)
        outcome = "ok"
        return echo_answer(translation)
    finally:
        metrics.inflight_add("line", -1)
        if outcome is not None:
            metrics.request_done("line", outcome, time.monotonic() - started)


def loop_runtime(loop):
    """'' on asyncio's own loop, else ' + <library> <version>' of the loop that really runs
    (python-uvloop: ' + uvloop 0.17.0'), so lab_info names the loop it measured."""
    library = type(loop).__module__.split(".")[0]
    if library == "asyncio":
        return ""
    return " + %s %s" % (library, getattr(sys.modules.get(library), "__version__", "(unknown version)"))


class Upstream:
    """One ClientSession for the whole service: its connector keeps connections alive across
    requests. limit=0 removes aiohttp's default cap of 100 concurrent connections, which would
    otherwise queue requests inside the client and hide the model's real behaviour."""

    def __init__(self):
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0),
            timeout=aiohttp.ClientTimeout(total=cfg.upstream_timeout_s),
        )

    async def translate(self, url):
        """-> translation; raises UpstreamFailure only."""
        started = time.monotonic()
        try:
            async with self.session.get(url) as response:
                body = await response.read()
                status = response.status
        except asyncio.TimeoutError:
            raise UpstreamFailure.timeout(cfg.upstream_timeout_ms) from None
        except aiohttp.ClientConnectorError as err:
            if isinstance(err.os_error, ConnectionRefusedError):
                raise UpstreamFailure.refused() from None
            raise UpstreamFailure.other("cannot connect: %s" % err.os_error) from None
        except aiohttp.ClientError as err:
            raise UpstreamFailure.other(type(err).__name__) from None
        translation = translation_from(status, body)
        metrics.observe_upstream(time.monotonic() - started)
        return translation


def text_response(status, message):
    return web.Response(status=status, body=text_body(message), content_type="text/plain", charset="utf-8")


async def echo(request):
    started = time.monotonic()
    outcome = None
    metrics.inflight_add("http", 1)
    try:
        params, reason = parse_echo_query(request.query_string)
        if reason:
            outcome = "bad_request"
            return text_response(400, reason)
        try:
            translation = await request.app["upstream"].translate(echo_url(cfg.upstream_url, params))
        except UpstreamFailure as f:
            outcome = f.outcome
            return text_response(f.status, "error: %s" % f.reason)
        cpu_job(params)  # on the loop's thread: it stalls every client
        outcome = "ok"
        return web.Response(body=echo_answer(translation), content_type="text/plain", charset="utf-8")
    finally:
        # Also runs when aiohttp cancels the handler because the client hung up (outcome None:
        # nothing was answered, so nothing is counted).
        metrics.inflight_add("http", -1)
        if outcome is not None:
            metrics.request_done("http", outcome, time.monotonic() - started)


async def healthz(_request):
    return text_response(200, "ok")


async def metrics_page(_request):
    return web.Response(body=metrics.render(), headers={"Content-Type": CONTENT_TYPE})


async def overhead(request):
    params, reason = parse_overhead_query(request.query_string)
    if reason:
        return text_response(400, reason)
    guard = request.app["experiment_guard"]
    if not guard.try_start():
        return text_response(409, BUSY_REASON)
    try:
        timing = await asyncio_overhead.run_overhead(params)
        body = json.dumps(overhead_result(params, timing)) + "\n"
        return web.Response(body=body.encode("utf-8"), content_type=JSON)
    finally:
        guard.finish()


async def not_found(request):
    return text_response(404, "no route %s" % request.path[:200])


class CountingServer(web.Server):
    """aiohttp's connection manager, counting lab_open_connections{protocol="http"}."""

    def connection_made(self, handler, transport):
        metrics.connections_add("http", 1)
        super().connection_made(handler, transport)

    def connection_lost(self, handler, exc=None):
        metrics.connections_add("http", -1)
        super().connection_lost(handler, exc)


class CountingAppRunner(web.AppRunner):
    async def _make_server(self):
        server = await super()._make_server()
        # Application builds a plain web.Server and offers no hook for its class; the subclass
        # only adds counting around the same two methods.
        server.__class__ = CountingServer
        return server


def inflight():
    return sum(metrics.sample("lab_inflight_requests", {"protocol": p}) or 0 for p in ("http", "line"))


app_state = {}
stopping = asyncio.Event()


async def main(impl, model):
    global metrics
    loop = asyncio.get_running_loop()
    metrics = LabMetrics(impl=impl, model=model, unit="coroutines",
                         runtime=python_runtime("aiohttp %s%s" % (aiohttp.__version__, loop_runtime(loop))))
    metrics.set_units_function(lambda: len(asyncio.all_tasks(loop)))
    app = web.Application(middlewares=[refuse_over_limits])  # 431/413 (labcommon.aiohttp_limits)
    app["upstream"] = app_state["upstream"] = Upstream()
    app["experiment_guard"] = ExperimentGuard()  # only ever tried, never waited on
    app.router.add_get("/echo", echo)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_page)
    app.router.add_get("/overhead", overhead)
    app.router.add_route("*", "/{tail:.*}", not_found)
    runner = CountingAppRunner(app, handle_signals=False, access_log=None, **PARSER_LIMITS)
    await runner.setup()
    try:
        site = web.TCPSite(runner, cfg.bind, cfg.port, backlog=1024, shutdown_timeout=1.0)
        await site.start()
        # limit: readuntil raises LimitOverrunError past one line of MAX_LINE_BYTES + '\n'.
        line_server = await asyncio.start_server(serve_line, cfg.bind, cfg.line_port, limit=MAX_LINE_BYTES,
                                                 backlog=1024)
    except OSError as err:
        sys.stderr.write("%s: cannot listen: %s\n" % (impl, err))
        await runner.cleanup()
        await app_state["upstream"].session.close()
        return 1
    http_port = site._server.sockets[0].getsockname()[1]
    line_port = line_server.sockets[0].getsockname()[1]
    # One parseable line (stderr, like every Python row): with PORT=0 the tests read the
    # OS-chosen ports from it.
    sys.stderr.write("%s: listening http=%d line=%d bind=%s upstream=%s\n"
                     % (impl, http_port, line_port, cfg.bind, cfg.upstream_url))
    sys.stderr.flush()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    await stopping.wait()
    # Stop accepting, give requests in flight a bounded time, then close what is left.
    site._server.close()
    line_server.close()
    deadline = time.monotonic() + min(cfg.upstream_timeout_s + 0.5, MAX_DRAIN_S)
    while inflight() > 0 and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    await runner.cleanup()
    await app_state["upstream"].session.close()
    return 0


def run(impl=IMPL, model=MODEL, loop_factory=None):
    """Serves until SIGTERM; returns the exit status. loop_factory None is asyncio's own loop
    (what asyncio.run uses); python-uvloop passes its name, its model and uvloop.new_event_loop."""
    global cfg
    cfg = read_config_or_exit(impl)
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        return runner.run(main(impl, model))


if __name__ == "__main__":
    sys.exit(run())
