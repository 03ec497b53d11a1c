"""A small HTTP/1.1 server side over a blocking socket (OS threads, gevent, forked children).

Why not http.server: it writes the status line, headers and body in separate send() calls;
with Nagle on, the body waits for the client's delayed ACK and every keep-alive request gains
~40 ms. Here a response is ONE sendall() and the socket gets TCP_NODELAY as well."""
import socket
from dataclasses import dataclass, field
from typing import Dict, Optional, Tuple
from urllib.parse import unquote

from .contract import LIMITS

MAX_REQUEST_LINE = 64 * 1024  # a 4096-byte text percent-encoded is ~12 KiB; leave room
# The contract's limits (contract/README.md, "Limits"): header field lines (request line
# excluded) -> 431, a Content-Length -> 413; answered with a reason and a close, not counted.
MAX_HEADER_BYTES = LIMITS["header_fields_max_bytes"]
MAX_HEADERS = 100
MAX_BODY = LIMITS["body_max_bytes"]  # bodies are read and ignored (every route is GET)

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

    def readline(self, limit: int, status: int = 414) -> Optional[bytes]:
        """A line with its '\\n'; None at EOF before any byte; HttpError(status) past limit or
        on a connection cut mid-line."""
        scanned = 0
        while True:
            nl = self.buf.find(b"\n", scanned)
            if nl > limit:
                raise HttpError(status, _over(status, limit))
            if nl >= 0:
                line = bytes(self.buf[:nl + 1])
                del self.buf[:nl + 1]
                return line
            if len(self.buf) > limit:
                raise HttpError(status, _over(status, limit))
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


def _over(status: int, limit: int) -> str:
    if status == 431:
        return f"error: request header fields over {limit} bytes"
    return f"request line over {limit} bytes"


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
        h = reader.readline(MAX_HEADER_BYTES, 431)
        if h is None:
            raise ConnectionResetError("connection closed in headers")
        total += len(h)
        if h in (b"\r\n", b"\n"):
            break
        if total > MAX_HEADER_BYTES or len(headers) >= MAX_HEADERS:
            raise HttpError(431, _over(431, MAX_HEADER_BYTES) if total > MAX_HEADER_BYTES
                            else f"error: more than {MAX_HEADERS} request header fields")
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
            raise HttpError(413, f"error: request body is {int(length)} bytes, at most {MAX_BODY} allowed")
        reader.read_exact(int(length))
    path, _, query = target.partition("?")
    return Request(method, target, unquote(path), query, version, headers)


def limit_refusal(fields, content_length=None) -> Optional[Tuple[int, str]]:
    """(431 or 413, reason) for a request over the contract's limits, else None: for rows whose
    HTTP server parses for them (pywsgi, aiohttp, Twisted). `fields`: (name, value) pairs as sent
    (str or bytes); each counts as the line `name: value\\r\\n`, like read_request's total."""
    size = sum(len(n) + len(v) + 4 for n, v in fields)
    if size > MAX_HEADER_BYTES:
        return 431, f"error: request header fields are {size} bytes, at most {MAX_HEADER_BYTES} allowed"
    if isinstance(content_length, bytes):
        content_length = content_length.decode("latin-1")
    if content_length and content_length.strip().isdigit() and int(content_length) > MAX_BODY:
        return 413, f"error: request body is {int(content_length)} bytes, at most {MAX_BODY} allowed"
    return None


def wsgi_fields(environ):
    """The header fields of a WSGI environ: HTTP_X_BIG is `X-Big` (same length)."""
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            yield key[5:], value
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            yield key, value


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
