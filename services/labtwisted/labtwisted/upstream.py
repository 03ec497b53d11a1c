"""The upstream side shared by both Twisted rows: one Agent over one persistent connection
pool, and the mapping from a failed fetch to labcommon's UpstreamFailure.

The fetch itself lives in each row, written in that row's style."""
import warnings

from twisted.internet import defer, error
from twisted.python.failure import Failure
from twisted.web import client

from labcommon.upstream import UpstreamFailure

# Twisted 22.4's Agent hands readBody a TransportProxyProducer, which has no abortConnection,
# and readBody warns about it on every call (cancelling still works: the Agent's own
# canceller closes the connection). One warning per request would flood stderr.
warnings.filterwarnings("ignore", message="Using readBody with a transport", category=DeprecationWarning)


def make_agent(reactor):
    """(Agent, pool): connections stay open between fetches; without the pool every fetch
    pays a TCP handshake and leaves a TIME_WAIT socket behind."""
    pool = client.HTTPConnectionPool(reactor, persistent=True)
    # Twisted's default keeps only 2 idle connections per host, so under load nearly every
    # connection would be closed after one use.
    pool.maxPersistentPerHost = 1024
    return client.Agent(reactor, pool=pool), pool


def with_timeout(d, seconds, reactor):
    """d, cancelled after `seconds`, then failing with defer.TimeoutError.

    Deferred.addTimeout only converts a bare CancelledError; a cancelled Agent request fails
    with ResponseNeverReceived wrapping it, which would read as a broken upstream."""
    timed_out = []

    def expire():
        timed_out.append(True)
        d.cancel()

    timer = reactor.callLater(seconds, expire)

    def settle(result):
        if timer.active():
            timer.cancel()
        if timed_out and isinstance(result, Failure):
            return Failure(defer.TimeoutError("upstream timed out"))
        return result

    return d.addBoth(settle)


def as_upstream_failure(failure, timeout_ms):
    """The UpstreamFailure a failed fetch (a twisted Failure) stands for."""
    if failure.check(UpstreamFailure):
        return failure.value
    if failure.check(defer.TimeoutError):
        return UpstreamFailure.timeout(timeout_ms)
    if failure.check(error.ConnectionRefusedError):
        return UpstreamFailure.refused()
    if failure.check(error.ConnectError, error.DNSLookupError):
        return UpstreamFailure.other("cannot connect: %s" % failure.getErrorMessage())
    if failure.check(client.ResponseNeverReceived, client.ResponseFailed, client.PartialDownloadError):
        return UpstreamFailure.other("connection broken mid-answer")
    if failure.check(defer.CancelledError):
        return UpstreamFailure.other("cancelled (the client went away)")
    return UpstreamFailure.other(failure.type.__name__)
