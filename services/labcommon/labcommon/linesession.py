"""The plumbing of one line-protocol connection, for rows whose own code writes the seed's loop
(read a line, fetch, write) in blocking style, in a thread, a greenlet or a forked process:

    with LineSession(sock, metrics, stopping) as lines:
        for text in lines:                        # fileobj.readline(), until EOF
            with lines.request():
                translation, seconds = fetch(upstream_url(base, text))
                metrics.observe_upstream(seconds)
                lines.answer(echo_answer(translation))   # fileobj.write("echo: %s\\n" % line)

What it keeps out of the row's loop: the open-connections gauge, the 64 KiB line limit
(`error: line too long`, then the connection is closed), text validation (a bad line is
answered `error: <reason>` here and not yielded), each line's in-flight gauge, outcome and
duration, an upstream failure answered as `error: <reason>`, busy marks for a graceful stop,
and the close. A client that vanishes ends the loop quietly; every gauge goes back."""
import contextlib
import time
from typing import Callable, Iterator, Optional

from .httpwire import set_nodelay
from .lineproto import LINE_TOO_LONG, LineReader, LineTooLong, decode_line, error_answer
from .metrics import ConnectionGuard, InflightGuard, LabMetrics
from .upstream import UpstreamFailure
from .validation import check_text


class LineSession:
    def __init__(self, sock, metrics: LabMetrics, stopping: Callable[[], bool] = lambda: False,
                 on_busy_change: Optional[Callable[[bool], None]] = None):
        """stopping(): checked before each read, so a stop ends the loop after an answer.
        on_busy_change(True/False): marks when a line is being served (for a graceful stop)."""
        set_nodelay(sock)
        self.sock, self.metrics, self.stopping = sock, metrics, stopping
        self.on_busy_change = on_busy_change or (lambda _busy: None)
        self.reader = LineReader(sock)
        self._guard = ConnectionGuard(metrics, "line")
        self._started = 0.0

    def __enter__(self) -> "LineSession":
        self._guard.__enter__()
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        self._guard.__exit__(exc_type, exc, tb)
        try:
            self.sock.close()
        except OSError:
            pass
        return exc_type is not None and issubclass(exc_type, OSError)  # the client vanished

    def __iter__(self) -> Iterator[str]:
        """Each received line as valid text (a trailing '\\r' dropped, bad UTF-8 as U+FFFD)."""
        while not self.stopping():
            try:
                raw = self.reader.readline()
            except LineTooLong:
                self.metrics.request_done("line", "bad_request", 0.0)  # an answered error line (contract)
                self.sock.sendall(LINE_TOO_LONG)
                return
            if not raw:
                return
            text = decode_line(raw)
            reason = check_text(text)
            if reason:
                with self.request():
                    self.answer(error_answer(reason), "bad_request")
                continue
            yield text

    @contextlib.contextmanager
    def request(self):
        """One line being served: in flight meanwhile; an UpstreamFailure raised inside is
        answered `error: <reason>` with its outcome."""
        self._started = time.monotonic()
        self.on_busy_change(True)
        try:
            with InflightGuard(self.metrics, "line"):
                try:
                    yield
                except UpstreamFailure as f:
                    self.answer(error_answer(f.reason), f.outcome)
        finally:
            self.on_busy_change(False)

    def answer(self, data: bytes, outcome: str = "ok") -> None:
        """Counts the line (before it leaves, so a scrape made right after already sees it),
        then writes the answer."""
        self.metrics.request_done("line", outcome, time.monotonic() - self._started)
        self.sock.sendall(data)
