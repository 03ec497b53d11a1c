import socket
import threading
import unittest

from labcommon.httpwire import (MAX_BODY, MAX_HEADER_BYTES, BufferedSocket, HttpError, limit_refusal, read_request,
                                response_bytes, wsgi_fields)
from labcommon.lineproto import MAX_LINE_BYTES, LineReader, LineTooLong, decode_line, echo_answer, error_answer


def pair_with(data: bytes, close: bool = True):
    a, b = socket.socketpair()
    a.sendall(data)
    if close:
        a.close()
    return b


class HttpWireTest(unittest.TestCase):
    def test_two_keep_alive_requests_then_eof(self):
        b = pair_with(b"GET /echo?text=a%20b HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n")
        reader = BufferedSocket(b)
        r1 = read_request(reader)
        self.assertEqual((r1.method, r1.path, r1.query, r1.keep_alive), ("GET", "/echo", "text=a%20b", True))
        r2 = read_request(reader)
        self.assertEqual((r2.path, r2.keep_alive), ("/healthz", False))
        self.assertIsNone(read_request(reader))

    def test_http10_defaults_to_close(self):
        r = read_request(BufferedSocket(pair_with(b"GET / HTTP/1.0\r\n\r\n")))
        self.assertFalse(r.keep_alive)

    def test_body_is_skipped(self):
        reader = BufferedSocket(pair_with(b"POST /x HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /y HTTP/1.1\r\n\r\n"))
        self.assertEqual(read_request(reader).path, "/x")
        self.assertEqual(read_request(reader).path, "/y")

    def test_malformed(self):
        for data, status in ((b"GARBAGE\r\n\r\n", 400), (b"GET / HTTP/2.0\r\n\r\n", 400),
                             (b"GET / HTTP/1.1\r\nbad header\r\n\r\n", 400),
                             (b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n", 414),
                             (b"GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 400)):
            with self.assertRaises(HttpError) as cm:
                read_request(BufferedSocket(pair_with(data)))
            self.assertEqual(cm.exception.status, status, data[:30])

    def test_header_fields_and_body_over_the_contract_limits(self):
        # One field of 8 KiB + 1 KiB: 431 (not the 414 of a long request line); a Content-Length over: 413.
        big = b"X-Big: " + b"a" * (MAX_HEADER_BYTES + 1024) + b"\r\n"
        with self.assertRaises(HttpError) as cm:
            read_request(BufferedSocket(pair_with(b"GET / HTTP/1.1\r\n" + big + b"\r\n")))
        self.assertEqual(cm.exception.status, 431)
        many = b"".join(b"X-H%d: %s\r\n" % (i, b"a" * 1000) for i in range(9))
        with self.assertRaises(HttpError) as cm:
            read_request(BufferedSocket(pair_with(b"GET / HTTP/1.1\r\n" + many + b"\r\n")))
        self.assertEqual(cm.exception.status, 431)
        with self.assertRaises(HttpError) as cm:
            read_request(BufferedSocket(pair_with(b"GET / HTTP/1.1\r\nContent-Length: %d\r\n\r\n" % (MAX_BODY + 1))))
        self.assertEqual(cm.exception.status, 413)
        # The same rule for servers that parse for the row (pywsgi, aiohttp, Twisted).
        self.assertEqual(limit_refusal([("X-Big", "a" * (MAX_HEADER_BYTES - 1024))]), None)
        self.assertEqual(limit_refusal([(b"X-Big", b"a" * (MAX_HEADER_BYTES + 1024))])[0], 431)
        self.assertEqual(limit_refusal([], str(MAX_BODY + 1))[0], 413)
        self.assertEqual(limit_refusal([], b"12"), None)
        self.assertEqual(sorted(wsgi_fields({"HTTP_X_BIG": "v", "CONTENT_LENGTH": "3", "PATH_INFO": "/"})),
                         [("CONTENT_LENGTH", "3"), ("X_BIG", "v")])

    def test_cut_mid_request_is_a_connection_error(self):
        with self.assertRaises(ConnectionError):
            read_request(BufferedSocket(pair_with(b"GET / HTTP/1.1\r\nHost")))

    def test_response_is_one_buffer_with_length(self):
        raw = response_bytes(200, b"echo: x\n", keep_alive=False)
        head, _, body = raw.partition(b"\r\n\r\n")
        self.assertTrue(head.startswith(b"HTTP/1.1 200 OK\r\n"))
        self.assertIn(b"Content-Length: 8", head)
        self.assertIn(b"Connection: close", head)
        self.assertEqual(body, b"echo: x\n")


class LineProtoTest(unittest.TestCase):
    def test_decode(self):
        self.assertEqual(decode_line(b"abc\r\n"), "abc")
        self.assertEqual(decode_line(b"a\xffb\n"), "a\ufffdb")
        self.assertEqual(echo_answer("\u00e9"), "echo: \u00e9\n".encode())
        self.assertEqual(error_answer("two\nlines"), b"error: two lines\n")

    def test_reader_lines_and_last_unterminated(self):
        r = LineReader(pair_with(b"one\ntwo\r\nthree"))
        self.assertEqual([r.readline(), r.readline(), r.readline(), r.readline()], [b"one\n", b"two\r\n", b"three", b""])

    def test_limit_is_exact(self):
        a, b = socket.socketpair()
        sender = threading.Thread(target=lambda: (a.sendall(b"x" * MAX_LINE_BYTES + b"\n" + b"y" * (MAX_LINE_BYTES + 1)), a.close()))
        sender.start()
        r = LineReader(b)
        self.assertEqual(len(r.readline()), MAX_LINE_BYTES + 1)
        with self.assertRaises(LineTooLong):
            r.readline()
        sender.join()
        b.close()


if __name__ == "__main__":
    unittest.main()
