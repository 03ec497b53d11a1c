"""HTTP plumbing around the row's /echo resource: counted connections, a root that answers
404 in plain text, /healthz, /metrics, and the per-request bookkeeping (HttpExchange)."""
import time

from twisted.web import http, resource, server

from labcommon.httpwire import TEXT, limit_refusal, text_body
from labcommon.metrics import CONTENT_TYPE


def query_of(request):
    """The raw query (bytes) -- labcommon parses it (request.args would be bytes-keyed)."""
    return request.uri.partition(b"?")[2]


# Twisted has no reason phrase for 431 ("Unknown Status").
http.RESPONSES.setdefault(431, b"Request Header Fields Too Large")


def write_response(request, status, body, content_type=TEXT):
    """Status, headers and body in the same reactor turn: Twisted flushes them in one send,
    so Nagle has nothing to hold back (TCP_NODELAY is set as well, see CountingChannel)."""
    request.setResponseCode(status)
    request.setHeader(b"content-type", content_type.encode("ascii"))
    request.setHeader(b"content-length", str(len(body)).encode("ascii"))
    request.write(body)
    request.finish()


class HttpExchange(object):
    """One /echo request's bookkeeping: in-flight gauge up now and down exactly once, the
    outcome and duration recorded when answered, nothing written if the client left."""

    def __init__(self, request, metrics):
        self.request = request
        self.metrics = metrics
        self.started = time.monotonic()
        self.gone = False
        self.done = False
        self._work = None
        metrics.inflight_add("http", 1)
        request.notifyFinish().addErrback(self._client_gone)

    def cancel_when_gone(self, d):
        """The client hanging up cancels d (the pending upstream fetch)."""
        self._work = d
        return d

    def _client_gone(self, _reason):
        self.gone = True
        if self._work is not None and not self.done:
            self._work.cancel()

    def answer(self, status, body, outcome):
        if self.done:
            return
        self.done = True
        self.metrics.inflight_add("http", -1)
        if self.gone:
            return  # nobody to answer; not counted as an answered request
        write_response(self.request, status, body)
        self.metrics.request_done("http", outcome, time.monotonic() - self.started)


class GetResource(resource.Resource):
    """A leaf answering GET (and HEAD); any other method gets a one-line 405 in plain text
    instead of Twisted's HTML error page."""

    isLeaf = True

    def render(self, request):
        fields = ((name, value) for name, values in request.requestHeaders.getAllRawHeaders() for value in values)
        refused = limit_refusal(fields, request.getHeader(b"content-length"))
        if refused:  # the contract's 431/413, not counted (contract/README.md, "Limits")
            write_response(request, refused[0], text_body(refused[1]))
            return server.NOT_DONE_YET
        if request.method not in (b"GET", b"HEAD"):
            method = request.method.decode("latin-1")[:20]
            write_response(request, 405, text_body("method %s not allowed, use GET" % method))
            return server.NOT_DONE_YET
        return resource.Resource.render(self, request)


class TextResource(GetResource):

    def __init__(self, status, message):
        resource.Resource.__init__(self)
        self.status = status
        self.body = text_body(message)

    def render_GET(self, request):
        write_response(request, self.status, self.body)
        return server.NOT_DONE_YET


class MetricsResource(GetResource):
    def __init__(self, metrics):
        resource.Resource.__init__(self)
        self.metrics = metrics

    def render_GET(self, request):
        write_response(request, 200, self.metrics.render(), CONTENT_TYPE)
        return server.NOT_DONE_YET


class RootResource(resource.Resource):
    """Exact paths only: /echo/x or /healthzz are 404s, like every other row."""

    def __init__(self, routes):
        resource.Resource.__init__(self)
        self.routes = routes  # {b"/echo": Resource, ...}

    def getChildWithDefault(self, name, request):
        path = request.path
        found = self.routes.get(path)
        if found is not None:
            return found
        return TextResource(404, "no route %s" % path.decode("latin-1")[:200])

    def render_GET(self, request):
        return self.getChildWithDefault(b"", request).render_GET(request)


def make_counting_channel(metrics):
    """An HTTPChannel class that counts lab_open_connections{protocol="http"}."""

    class CountingChannel(http.HTTPChannel):
        # Twisted drops a connection whose head passes 16 KiB without an answer; the
        # contract's 431 (GetResource.render) must come first.
        totalHeadersSize = 64 * 1024

        def connectionMade(self):
            http.HTTPChannel.connectionMade(self)
            self.transport.setTcpNoDelay(True)
            metrics.connections_add("http", 1)

        def connectionLost(self, reason):
            metrics.connections_add("http", -1)
            http.HTTPChannel.connectionLost(self, reason)

    return CountingChannel


class QuietSite(server.Site):
    """No access log: a log line per request would cost more than the request itself."""

    def log(self, request):
        pass


def make_site(routes, metrics):
    site = QuietSite(RootResource(routes))
    # Plain HTTP/1.1 channel (no HTTP/2 negotiation wrapper), so the counting subclass sees
    # connectionMade / connectionLost directly.
    site.protocol = make_counting_channel(metrics)
    return site
