import socket
import threading
import unittest

from labcommon.httpwire import BufferedSocket, HttpError, read_request, response_bytes
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
