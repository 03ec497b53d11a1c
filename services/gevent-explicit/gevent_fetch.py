"""A hand-written HTTP/1.1 GET over gevent.socket, the way geventecho3.py fetched without
monkey patching: every socket call below yields to the hub instead of blocking the process.

Keep-alive sockets are pooled per upstream host, so that a steady load does not pay a TCP
handshake (and a TIME_WAIT socket) per request.
"""
import collections
import socket as _stdsocket

import gevent
from gevent import socket

MAX_HEADER_LINE = 8192
MAX_HEADERS = 100
MAX_BODY = 1 << 20


class UpstreamError(Exception):
    """The upstream refused, broke the protocol or answered an error status."""


class UpstreamRefused(UpstreamError):
    """Nothing listens at the upstream's address."""


class UpstreamTimeout(UpstreamError):
    """The upstream took longer than the caller's deadline."""


class _StaleConnection(Exception):
    """A pooled socket was closed by the peer before it sent a single byte back."""


class _Conn(object):
    __slots__ = ("sock", "rfile")

    def __init__(self, sock):
        self.sock = sock
        self.rfile = sock.makefile("rb")

    def close(self):
        try:
            self.rfile.close()
        finally:
            self.sock.close()


class KeepAlivePool(object):
    """Idle keep-alive connections to one host:port. Not shared across processes."""

    def __init__(self, host, port, max_idle=256):
        self.host = host
        self.port = port
        self.max_idle = max_idle
        self._idle = collections.deque()

    def acquire(self):
        """(connection, reused) -- reused tells the caller a stale-socket retry is allowed."""
        if self._idle:
            return self._idle.pop(), True
        try:
            sock = socket.create_connection((self.host, self.port))
        except ConnectionRefusedError:
            raise UpstreamRefused("upstream refused the connection")
        except OSError as e:
            raise UpstreamError("upstream unreachable: %s" % (e.strerror or e))
        # The request goes out in one sendall, but NODELAY keeps a partial send from
        # waiting on a delayed ACK.
        sock.setsockopt(_stdsocket.IPPROTO_TCP, _stdsocket.TCP_NODELAY, 1)
        return _Conn(sock), False

    def release(self, conn):
        if len(self._idle) < self.max_idle:
            self._idle.append(conn)
        else:
            conn.close()

    def idle_count(self):
        return len(self._idle)

    def close(self):
        while self._idle:
            self._idle.pop().close()


def fetch(pool, path_and_query, timeout_s):
    """GET path_and_query from the pool's host; returns (status, body bytes).

    Raises UpstreamTimeout after timeout_s, UpstreamError on refusal or a broken answer.
    """
    timer = gevent.Timeout(timeout_s, UpstreamTimeout("upstream timed out after %g ms" % (timeout_s * 1000)))
    timer.start()
    try:
        try:
            return _fetch_once(pool, path_and_query)
        except _StaleConnection:
            # The upstream closed an idle pooled socket (keep-alive timeout): a fresh one is
            # safe to try because nothing was received for this GET.
            return _fetch_once(pool, path_and_query, fresh=True)
    finally:
        timer.close()


def _fetch_once(pool, path_and_query, fresh=False):
    if fresh:
        pool.close()
    conn, reused = pool.acquire()
    keep = False
    try:
        request = (
            "GET %s HTTP/1.1\r\nHost: %s:%d\r\nConnection: keep-alive\r\nAccept: */*\r\n\r\n"
            % (path_and_query, pool.host, pool.port)
        ).encode("latin-1")
        try:
            conn.sock.sendall(request)
            status_line = conn.rfile.readline(MAX_HEADER_LINE)
        except OSError as e:
            if reused:
                raise _StaleConnection()
            raise UpstreamError("upstream connection failed: %s" % (e.strerror or e))
        if not status_line:
            if reused:
                raise _StaleConnection()
            raise UpstreamError("upstream closed the connection without answering")
        status, headers = _read_head(conn.rfile, status_line)
        body, keep = _read_body(conn.rfile, status, headers)
        return status, body
    except OSError as e:
        raise UpstreamError("upstream connection failed: %s" % (e.strerror or e))
    finally:
        # A timeout (gevent.Timeout raised inside a socket call) lands here too: the socket
        # is mid-response, so it is closed rather than pooled.
        if keep:
            pool.release(conn)
        else:
            conn.close()


def _read_head(rfile, status_line):
    parts = status_line.split(None, 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
        raise UpstreamError("upstream sent a malformed status line")
    status = int(parts[1])
    headers = {}
    for _ in range(MAX_HEADERS):
        line = rfile.readline(MAX_HEADER_LINE)
        if not line:
            raise UpstreamError("upstream closed the connection mid-headers")
        if line in (b"\r\n", b"\n"):
            headers["_http10"] = parts[0] == b"HTTP/1.0"
            return status, headers
        name, sep, value = line.partition(b":")
        if not sep:
            raise UpstreamError("upstream sent a malformed header line")
        headers[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
    raise UpstreamError("upstream sent too many headers")


def _read_body(rfile, status, headers):
    """(body, reusable) -- reusable is whether the socket may carry another request."""
    connection = headers.get("connection", "").lower()
    reusable = not headers["_http10"] and connection != "close"
    if status in (204, 304) or 100 <= status < 200:
        return b"", reusable
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return _read_chunked(rfile), reusable
    length = headers.get("content-length")
    if length is not None:
        if not length.isdigit() or int(length) > MAX_BODY:
            raise UpstreamError("upstream sent a bad Content-Length")
        body = _read_exact(rfile, int(length))
        return body, reusable
    # No framing: the body runs to EOF and the socket is spent.
    body = rfile.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        raise UpstreamError("upstream body too large")
    return body, False


def _read_exact(rfile, n):
    body = rfile.read(n)
    if len(body) != n:
        raise UpstreamError("upstream closed the connection mid-body")
    return body


def _read_chunked(rfile):
    chunks = []
    total = 0
    while True:
        size_line = rfile.readline(MAX_HEADER_LINE)
        if not size_line:
            raise UpstreamError("upstream closed the connection mid-body")
        size_text = size_line.split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise UpstreamError("upstream sent a malformed chunk size")
        if size == 0:
            break
        total += size
        if total > MAX_BODY:
            raise UpstreamError("upstream body too large")
        chunks.append(_read_exact(rfile, size))
        _read_exact(rfile, 2)
    # Trailers, then the blank line that ends the message.
    for _ in range(MAX_HEADERS):
        line = rfile.readline(MAX_HEADER_LINE)
        if line in (b"\r\n", b"\n", b""):
            break
    return b"".join(chunks)
