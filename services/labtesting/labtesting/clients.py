"""A client of a row's line protocol, and idle line connections held open."""
import socket
from typing import List


class LineClient:
    def __init__(self, port: int, timeout: float = 30.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def readline(self) -> bytes:
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                out, self.buf = self.buf, b""
                return out
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        return line + b"\n"

    def ask(self, line: bytes) -> bytes:
        self.send(line + b"\n")
        return self.readline()

    def close(self) -> None:
        self.sock.close()


def hold_idle_connections(row, n: int) -> List[LineClient]:
    """n line connections to `row` (a Row), each proven accepted and served (one answered
    line); the caller closes them."""
    conns = []
    for _ in range(n):
        c = row.line_conn()
        conns.append(c)
        c.send(b"\n")  # answered locally (text is required): no upstream traffic
    for c in conns:
        assert c.readline() == b"error: text is required\n"
    return conns
