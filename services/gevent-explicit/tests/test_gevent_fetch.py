"""gevent_fetch against small real servers (gevent StreamServer on port 0) that misbehave in
the ways a real upstream can: closing a pooled keep-alive socket, chunked bodies, silence."""
import unittest

from labtesting import require_runtime

require_runtime("gevent-explicit")  # a missing gevent fails with the apt-get command, never skips

import gevent  # noqa: E402
from gevent.server import StreamServer

import gevent_fetch


def serve(handler):
    server = StreamServer(("127.0.0.1", 0), handler)
    server.start()
    return server


def read_request(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            return None
        data += chunk
    return data


class GeventFetchTest(unittest.TestCase):
    def test_keep_alive_socket_closed_by_the_peer_is_replaced(self):
        accepted = []

        def one_answer_then_close(sock, _addr):
            accepted.append(1)
            if read_request(sock):
                sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: keep-alive\r\n\r\nahoy")
            sock.close()  # the keep-alive promise broken, as an upstream's idle timeout does

        server = serve(one_answer_then_close)
        pool = gevent_fetch.KeepAlivePool("127.0.0.1", server.server_port)
        try:
            self.assertEqual(gevent_fetch.fetch(pool, "/arrpi?text=a", 5), (200, b"ahoy"))
            self.assertEqual(pool.idle_count(), 1)
            gevent.sleep(0.05)
            self.assertEqual(gevent_fetch.fetch(pool, "/arrpi?text=b", 5), (200, b"ahoy"))
            self.assertEqual(len(accepted), 2)
        finally:
            pool.close()
            server.stop()

    def test_chunked_body_and_connection_reuse(self):
        accepted = []

        def chunked(sock, _addr):
            accepted.append(1)
            while read_request(sock):
                sock.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                             b"3;ext=1\r\naho\r\n1\r\ny\r\n0\r\nX-Trailer: 1\r\n\r\n")
            sock.close()

        server = serve(chunked)
        pool = gevent_fetch.KeepAlivePool("127.0.0.1", server.server_port)
        try:
            for _ in range(3):
                self.assertEqual(gevent_fetch.fetch(pool, "/x", 5), (200, b"ahoy"))
            self.assertEqual(len(accepted), 1)
        finally:
            pool.close()
            server.stop()

    def test_silent_upstream_times_out_and_the_socket_is_not_pooled(self):
        def silent(sock, _addr):
            read_request(sock)
            gevent.sleep(5)
            sock.close()

        server = serve(silent)
        pool = gevent_fetch.KeepAlivePool("127.0.0.1", server.server_port)
        try:
            with self.assertRaises(gevent_fetch.UpstreamTimeout):
                gevent_fetch.fetch(pool, "/x", 0.2)
            self.assertEqual(pool.idle_count(), 0)
        finally:
            pool.close()
            server.stop(timeout=0.1)

    def test_refused_and_malformed_answers_are_upstream_errors(self):
        probe = serve(lambda s, a: None)
        port = probe.server_port
        probe.stop()
        with self.assertRaises(gevent_fetch.UpstreamRefused):
            gevent_fetch.fetch(gevent_fetch.KeepAlivePool("127.0.0.1", port), "/x", 2)

        def garbage(sock, _addr):
            read_request(sock)
            sock.sendall(b"SMTP ready\r\n\r\n")
            sock.close()

        server = serve(garbage)
        try:
            with self.assertRaisesRegex(gevent_fetch.UpstreamError, "malformed status line"):
                gevent_fetch.fetch(gevent_fetch.KeepAlivePool("127.0.0.1", server.server_port), "/x", 2)
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
