"""twisted-inline: the same reactor and the same Deferreds as twisted-callbacks, but every
handler is a generator under @inlineCallbacks (twistedecho3.py): `yield` hands a Deferred to
the reactor and the function resumes, locals intact, when it fires. It reads like blocking
code; it is still one thread, and anything that really blocks stalls every client. svc.serve()
(last line) is the seed's `reactor.listenTCP(8080, factory)` with `factory.protocol = Echo`."""
import sys
import time

from twisted.internet import defer
from twisted.python.failure import Failure
from twisted.web import server
from twisted.web.client import readBody

from labcommon.cpuwork import cpu_job
from labcommon.httpwire import text_body
from labcommon.lineproto import echo_answer, error_answer
from labcommon.upstream import UpstreamFailure, echo_url, translation_from, upstream_url
from labcommon.validation import parse_echo_query
from labtwisted.http import GetResource, HttpExchange, query_of
from labtwisted.lines import OrderedLineProtocol
from labtwisted.service import TwistedService

import inline_overhead
from labtwisted.upstream import as_upstream_failure, with_timeout

svc = TwistedService("twisted-inline", "Twisted reactor, @inlineCallbacks / yield")


class Echo(OrderedLineProtocol):
    """twistedecho3.py's Echo: echo() runs per line (labtwisted/lines.py keeps them in order);
    `yield` parks it until the fetch fires, then it writes, locals intact."""

    @defer.inlineCallbacks
    def echo(self, text):
        try:
            translation = yield fetch_translation(upstream_url(svc.cfg.upstream_url, text))
        except UpstreamFailure as f:
            self.write_answer(error_answer(f.reason), f.outcome)
            return
        self.write_answer(echo_answer(translation))


@defer.inlineCallbacks
def fetch_translation(url):
    """-> translation (str); fails with UpstreamFailure only."""
    started = time.monotonic()
    try:
        status, body = yield svc.pending.track(with_timeout(_get(url), svc.cfg.upstream_timeout_s, svc.reactor))
    except Exception:
        raise as_upstream_failure(Failure(), svc.cfg.upstream_timeout_ms)
    translation = translation_from(status, body)
    svc.metrics.observe_upstream(time.monotonic() - started)
    return translation


@defer.inlineCallbacks
def _get(url):
    response = yield svc.agent.request(b"GET", url.encode("ascii"))
    # The body is read even for an error status, so the pooled connection stays reusable.
    body = yield readBody(response)
    return response.code, body


class EchoResource(GetResource):
    def render_GET(self, request):
        self.echo(HttpExchange(request, svc.metrics), request)
        return server.NOT_DONE_YET

    @defer.inlineCallbacks
    def echo(self, exchange, request):
        params, reason = parse_echo_query(query_of(request))
        if reason:
            exchange.answer(400, text_body(reason), "bad_request")
            return
        try:
            translation = yield exchange.cancel_when_gone(fetch_translation(echo_url(svc.cfg.upstream_url, params)))
        except UpstreamFailure as f:
            exchange.answer(f.status, text_body("error: %s" % f.reason), f.outcome)
            return
        cpu_job(params)  # on the reactor thread: it stalls every client
        exchange.answer(200, echo_answer(translation), "ok")


if __name__ == "__main__":
    sys.exit(svc.serve(EchoResource(), Echo, inline_overhead.make_workers(svc.reactor), svc.pending.track))
