"""twisted-callbacks: the job on Twisted's reactor with Deferreds chained by addCallback /
addErrback only (twistedecho2.py). Every handler below returns immediately; what happens next
is a chain of callbacks the reactor fires when the upstream answers. svc.serve() (last line)
is the seed's `reactor.listenTCP(8080, factory)` with `factory.protocol = Echo`."""
import sys
import time

from twisted.web import server
from twisted.web.client import readBody

from labcommon.cpuwork import cpu_job
from labcommon.httpwire import text_body
from labcommon.lineproto import echo_answer, error_answer
from labcommon.upstream import echo_url, translation_from, upstream_url
from labcommon.validation import parse_echo_query
from labtwisted.http import GetResource, HttpExchange, query_of
from labtwisted.lines import OrderedLineProtocol
from labtwisted.service import TwistedService

import callbacks_overhead
from labtwisted.upstream import as_upstream_failure, with_timeout

svc = TwistedService("twisted-callbacks", "Twisted reactor, Deferred + addCallback")


class Echo(OrderedLineProtocol):
    """twistedecho2.py's Echo: the reactor calls echo() with each line (labtwisted/lines.py
    keeps them in order); it starts the fetch and returns at once; the callback writes."""

    def echo(self, text):
        d = fetch_translation(upstream_url(svc.cfg.upstream_url, text))

        def callback(translation):
            self.write_answer(echo_answer(translation))

        def errback(failure):
            self.write_answer(error_answer(failure.value.reason), failure.value.outcome)

        d.addCallbacks(callback, errback)
        return d


def fetch_translation(url):
    """Deferred -> translation (str); errbacks with UpstreamFailure only."""
    started = time.monotonic()
    d = svc.agent.request(b"GET", url.encode("ascii"))
    d.addCallback(_read_answer)
    with_timeout(d, svc.cfg.upstream_timeout_s, svc.reactor)

    def observed(translation):
        svc.metrics.observe_upstream(time.monotonic() - started)
        return translation

    def as_failure(failure):
        raise as_upstream_failure(failure, svc.cfg.upstream_timeout_ms)

    d.addCallbacks(observed, as_failure)
    return svc.pending.track(d)


def _read_answer(response):
    # The body is read even for an error status, so the pooled connection stays reusable.
    d = readBody(response)
    d.addCallback(lambda body: translation_from(response.code, body))
    return d


class EchoResource(GetResource):
    def render_GET(self, request):
        exchange = HttpExchange(request, svc.metrics)
        params, reason = parse_echo_query(query_of(request))
        if reason:
            exchange.answer(400, text_body(reason), "bad_request")
            return server.NOT_DONE_YET
        d = exchange.cancel_when_gone(fetch_translation(echo_url(svc.cfg.upstream_url, params)))

        def translated(translation):
            cpu_job(params)  # on the reactor thread: it stalls every client
            exchange.answer(200, echo_answer(translation), "ok")

        def failed(failure):
            f = failure.value
            exchange.answer(f.status, text_body("error: %s" % f.reason), f.outcome)

        d.addCallbacks(translated, failed)
        return server.NOT_DONE_YET


if __name__ == "__main__":
    sys.exit(svc.serve(EchoResource(), Echo, callbacks_overhead.make_workers(svc.reactor), svc.pending.track))
