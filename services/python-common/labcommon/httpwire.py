"""A small HTTP/1.1 server side over a blocking socket (OS threads, gevent, forked children).

Why not http.server: it writes the status line, headers and body in separate send() calls;
with Nagle on, the body waits for the client's delayed ACK and every keep-alive request gains
~40 ms. Here a response is ONE sendall() and the socket gets TCP_NODELAY as well."""
import socket
from dataclasses import dataclass, field
from typing import Dict, Optional, Tuple
from urllib.parse import unquote

MAX_REQUEST_LINE = 64 * 1024  # a 4096-byte text percent-encoded is ~12 KiB; leave room
MAX_HEADER_BYTES = 64 * 1024
MAX_HEADERS = 100
MAX_BODY = 1024 * 1024  # bodies are read and ignored (every route is GET)

REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
           409: "Conflict", 413: "Payload Too Large", 414: "URI Too Long",
           431: "Request Header Fields Too Large", 500: "Internal Server Error",
           502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}

TEXT = "text/plain; charset=utf-8"
JSON = "application/json"


class HttpError(Exception):
    """A request that cannot be parsed: answer `status` with `reason`, then close."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


@dataclass
class Request:
    method: str
    target: str  # as sent, e.g. /echo?text=a
    path: str  # percent-decoded path without the query
    query: str  # raw query string, without '?'
    version: str  # HTTP/1.0 or HTTP/1.1
    headers: Dict[str, str] = field(default_factory=dict)  # lower-case names

    @property
    def keep_alive(self) -> bool:
        conn = self.headers.get("connection", "").lower()
        if self.version == "HTTP/1.0":
            return "keep-alive" in conn
        return "close" not in conn


class BufferedSocket:
    """Line/exact reads over a blocking socket with limits. recv() returning b'' is EOF."""

    def __init__(self, sock, chunk: int = 16384):
        self.sock, self.chunk = sock, chunk
        self.buf = bytearray()

    def _fill(self) -> bool:
        data = self.sock.recv(self.chunk)
        if not data:
            return False
        self.buf += data
        return True

    def readline(self, limit: int) -> Optional[bytes]:
        """A line with its '\\n'; None at EOF before any byte; HttpError past limit or on a
        connection cut mid-line."""
        scanned = 0
        while True:
            nl = self.buf.find(b"\n", scanned)
            if nl > limit:
                raise HttpError(414, f"request line or header over {limit} bytes")
            if nl >= 0:
                line = bytes(self.buf[:nl + 1])
                del self.buf[:nl + 1]
                return line
            if len(self.buf) > limit:
                raise HttpError(414, f"request line or header over {limit} bytes")
            scanned = len(self.buf)
            if not self._fill():
                if not self.buf:
                    return None
                raise ConnectionResetError("connection closed mid-request")

    def read_exact(self, n: int) -> bytes:
        while len(self.buf) < n:
            if not self._fill():
                raise ConnectionResetError("connection closed mid-body")
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out


def read_request(reader: BufferedSocket) -> Optional[Request]:
    """The next request on a keep-alive connection; None when the client closed cleanly
    between requests. Raises HttpError for malformed input, OSError for a broken connection."""
    line = reader.readline(MAX_REQUEST_LINE)
    while line in (b"\r\n", b"\n"):  # RFC 9112: ignore empty lines before a request
        line = reader.readline(MAX_REQUEST_LINE)
    if line is None:
        return None
    try:
        method, target, version = line.decode("latin-1").rstrip("\r\n").split(" ")
    except ValueError:
        raise HttpError(400, "malformed request line") from None
    if version not in ("HTTP/1.0", "HTTP/1.1"):
        raise HttpError(400, f"unsupported protocol version {version[:20]!r}")
    headers: Dict[str, str] = {}
    total = 0
    while True:
        h = reader.readline(MAX_HEADER_BYTES)
        if h is None:
            raise ConnectionResetError("connection closed in headers")
        total += len(h)
        if h in (b"\r\n", b"\n"):
            break
        if total > MAX_HEADER_BYTES or len(headers) >= MAX_HEADERS:
            raise HttpError(431, "too many or too large headers")
        name, sep, value = h.decode("latin-1").partition(":")
        if not sep or not name or name != name.strip():
            raise HttpError(400, "malformed header line")
        headers[name.lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", "").lower():
        raise HttpError(400, "chunked request bodies are not supported")
    length = headers.get("content-length")
    if length:
        if not length.isdigit():
            raise HttpError(400, "bad content-length")
        if int(length) > MAX_BODY:
            raise HttpError(413, f"request body over {MAX_BODY} bytes")
        reader.read_exact(int(length))
    path, _, query = target.partition("?")
    return Request(method, target, unquote(path), query, version, headers)


def response_bytes(status: int, body: bytes, content_type: str = TEXT, keep_alive: bool = True,
                   extra_headers: Tuple[Tuple[str, str], ...] = ()) -> bytes:
    head = [f"HTTP/1.1 {status} {REASONS.get(status, 'Unknown')}",
            f"Content-Type: {content_type}",
            f"Content-Length: {len(body)}",
            "Connection: keep-alive" if keep_alive else "Connection: close"]
    head.extend(f"{k}: {v}" for k, v in extra_headers)
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


def send_response(sock, status: int, body: bytes, content_type: str = TEXT, keep_alive: bool = True,
                  extra_headers: Tuple[Tuple[str, str], ...] = ()) -> None:
    """Headers and body in ONE sendall (see module doc)."""
    sock.sendall(response_bytes(status, body, content_type, keep_alive, extra_headers))


def text_body(message: str) -> bytes:
    """A one-line plain-text body ending in a newline."""
    return (" ".join(str(message).splitlines()) + "\n").encode("utf-8")


def set_nodelay(sock) -> None:
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError:
        pass  # not TCP (e.g. a socketpair in tests)


def listen(bind: str, port: int, backlog: int = 1024) -> socket.socket:
    """A listening TCP socket with SO_REUSEADDR (restarts must not wait for TIME_WAIT)."""
    family = socket.AF_INET6 if ":" in bind else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((bind, port))
    s.listen(backlog)
    return s
