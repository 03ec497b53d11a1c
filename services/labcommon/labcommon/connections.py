"""The open connections of a row that serves each in its own blocking unit (a thread, or a
greenlet under gevent-monkey), and the drain a SIGTERM runs: idle connections are cut at once,
busy ones answer first (their loops check stopping() after each answer), the rest are cut after
a deadline. A plain threading.Lock: gevent patches it into a greenlet lock."""
import socket
import threading
import time
from typing import Callable, Set


class Connection:
    """An accepted socket and whether it is inside a request."""
    __slots__ = ("sock", "busy")

    def __init__(self, sock):
        self.sock, self.busy = sock, False

    def mark_busy(self, flag: bool) -> None:
        self.busy = flag


class ConnectionSet:
    def __init__(self):
        self._conns: Set[Connection] = set()
        self._lock = threading.Lock()

    def add(self, sock) -> Connection:
        conn = Connection(sock)
        with self._lock:
            self._conns.add(conn)
        return conn

    def serve(self, conn: Connection, serve: Callable[[Connection], None]) -> None:
        """serve(conn) in the calling unit; the connection leaves the set when it returns."""
        try:
            serve(conn)
        finally:
            with self._lock:
                self._conns.discard(conn)

    def drain(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while True:
            with self._lock:
                conns = list(self._conns)
            for c in conns:
                if not c.busy:
                    _shutdown(c.sock)
            if not conns or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        for c in conns:
            _shutdown(c.sock)


def _shutdown(sock) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
