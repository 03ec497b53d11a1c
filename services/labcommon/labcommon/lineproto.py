"""The line protocol (faithful to the originals): newline-terminated lines, answered in order
with `echo: <translation>\\n` or `error: <reason>\\n`."""
from typing import Optional

from .contract import CONTRACT, LIMITS

MAX_LINE_BYTES = LIMITS["line_max_bytes"]  # content of one line, without its newline
LINE_TOO_LONG = CONTRACT["line_protocol"]["line_too_long"].encode("utf-8")
BUSY = b"error: busy\n"


class LineTooLong(Exception):
    pass


def decode_line(raw: bytes) -> str:
    """One received line (with or without its '\\n') as text: a trailing '\\r' is dropped and
    invalid UTF-8 becomes U+FFFD, so a bad byte is answered instead of killing the connection."""
    if raw.endswith(b"\n"):
        raw = raw[:-1]
    if raw.endswith(b"\r"):
        raw = raw[:-1]
    return raw.decode("utf-8", errors="replace")


def echo_answer(translation: str) -> bytes:
    return f"echo: {translation}\n".encode("utf-8")


def error_answer(reason: str) -> bytes:
    one_line = " ".join(str(reason).splitlines())
    return f"error: {one_line}\n".encode("utf-8")


class LineReader:
    """Reads lines from a blocking socket (or a gevent socket) with the 64 KiB limit.
    readline() -> bytes with its '\\n', b'' at EOF (a last unterminated line is returned
    without '\\n' first), or raises LineTooLong."""

    def __init__(self, sock, limit: int = MAX_LINE_BYTES, chunk: int = 16384):
        self.sock, self.limit, self.chunk = sock, limit, chunk
        self.buf = bytearray()
        self.eof = False

    def readline(self) -> bytes:
        scanned = 0
        while True:
            nl = self.buf.find(b"\n", scanned)
            if nl >= 0:
                if nl > self.limit:
                    raise LineTooLong()
                line = bytes(self.buf[:nl + 1])
                del self.buf[:nl + 1]
                return line
            if len(self.buf) > self.limit:
                raise LineTooLong()
            if self.eof:
                line = bytes(self.buf)
                self.buf.clear()
                return line
            scanned = len(self.buf)
            data = self.sock.recv(self.chunk)
            if not data:
                self.eof = True
            else:
                self.buf += data

    def buffered(self) -> Optional[bytes]:
        return bytes(self.buf) if self.buf else None
