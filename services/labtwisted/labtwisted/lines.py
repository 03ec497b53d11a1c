"""The line protocol over Twisted's LineReceiver, answered in order.

LineReceiver hands over every complete line at once, even while the previous one still
waits on the upstream; lines are queued per connection and the next one starts only when
the previous one is answered. The row supplies the job in its own style, as the seed's
dataReceived did: echo(text) fetches and writes its answer with self.write_answer(answer,
outcome), and returns a Deferred that fires when it is done. Plumbing here: the 64 KiB limit,
text validation, the order, backpressure, the gauges and the outcome."""
import collections
import time

from twisted.protocols.basic import LineReceiver

from labcommon.lineproto import LINE_TOO_LONG, MAX_LINE_BYTES, decode_line, error_answer
from labcommon.validation import check_text
from twisted.internet import defer
from twisted.logger import Logger

# Lines queued beyond this pause reading from the socket (backpressure), so that a client
# pipelining faster than the upstream answers cannot grow the queue without bound.
MAX_QUEUED_LINES = 256

log = Logger()


class OrderedLineProtocol(LineReceiver):
    delimiter = b"\n"
    MAX_LENGTH = MAX_LINE_BYTES
    metrics = None  # set by the factory

    def connectionMade(self):
        self.transport.setTcpNoDelay(True)
        self.metrics.connections_add("line", 1)
        self._queue = collections.deque()
        self._current = None
        self._pumping = False
        self._reading_paused = False

    def connectionLost(self, reason):
        self.metrics.connections_add("line", -1)
        self._queue.clear()
        if self._current is not None:
            self._current.cancel()  # the answer has nowhere to go; free the upstream fetch

    def lineLengthExceeded(self, line):
        self.metrics.request_done("line", "bad_request", 0.0)  # an answered error line
        self.transport.write(LINE_TOO_LONG)
        self.transport.loseConnection()

    def lineReceived(self, raw):
        self._queue.append(raw)
        if len(self._queue) > MAX_QUEUED_LINES and not self._reading_paused:
            self._reading_paused = True
            self.transport.pauseProducing()
        self._pump()

    def echo(self, text):
        """The row's job for one valid line: fetch, then self.write_answer(...); returns a
        Deferred (or None when it answered at once)."""
        raise NotImplementedError

    def write_answer(self, answer, outcome="ok"):
        """Writes the current line's answer (once) and counts it."""
        if self._written:
            return
        self._written = True
        self.metrics.inflight_add("line", -1)
        if self.connected:
            self.transport.write(answer)
            self.metrics.request_done("line", outcome, time.monotonic() - self._started)

    def _pump(self):
        # A loop rather than recursion: answers that fire at once (bad lines) would otherwise
        # nest one stack frame per queued line.
        if self._pumping:
            return
        self._pumping = True
        try:
            while self._current is None and self._queue and self.connected:
                raw = self._queue.popleft()
                if self._reading_paused and len(self._queue) <= MAX_QUEUED_LINES // 2:
                    self._reading_paused = False
                    self.transport.resumeProducing()
                self._start(raw)
        finally:
            self._pumping = False

    def _start(self, raw):
        self._started = time.monotonic()
        self._written = False
        self.metrics.inflight_add("line", 1)
        text = decode_line(raw)
        reason = check_text(text)
        if reason:
            self.write_answer(error_answer(reason), "bad_request")
            d = defer.succeed(None)
        else:
            d = defer.maybeDeferred(self.echo, text)
        self._current = d
        d.addErrback(self._row_bug)
        d.addCallback(self._done)

    def _row_bug(self, failure):
        log.failure("line handler failed", failure)

    def _done(self, _):
        self._current = None
        # A row that ended without answering (a bug, logged by _row_bug) still answers once.
        self.write_answer(error_answer("internal error"), "upstream_error")
        if self.connected:
            self._pump()
