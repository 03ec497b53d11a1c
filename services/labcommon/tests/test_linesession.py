"""LineSession, the plumbing under the rows' own line loops, over a real socket pair: the loop
body sees valid text only, each line is answered and counted once, and every gauge returns to
where it was, whether the client leaves, sends a line too long or the fetch fails."""
import socket
import threading
import unittest

from labcommon.lineproto import LINE_TOO_LONG, MAX_LINE_BYTES, echo_answer
from labcommon.linesession import LineSession
from labcommon.metrics import LabMetrics
from labcommon.upstream import UpstreamFailure


class LineSessionTest(unittest.TestCase):
    def setUp(self):
        self.metrics = LabMetrics("linesession-test", "m", "r", "threads")
        self.server_end, self.client = socket.socketpair()
        self.client.settimeout(10)
        self.seen = []

    def tearDown(self):
        self.client.close()

    def serve(self, fetch):
        """The rows' loop, as written in threadecho.py, in a thread of its own."""
        def loop():
            with LineSession(self.server_end, self.metrics) as lines:
                for text in lines:
                    self.seen.append(text)
                    with lines.request():
                        lines.answer(echo_answer(fetch(text)))
        t = threading.Thread(target=loop, daemon=True)
        t.start()
        return t

    def count(self, name, **labels):
        return self.metrics.sample(name, dict(protocol="line", **labels)) or 0

    def read_all(self):
        chunks = []
        while True:
            data = self.client.recv(65536)
            if not data:
                return b"".join(chunks)
            chunks.append(data)

    def test_answers_in_order_only_valid_text_reaches_the_loop(self):
        def fetch(text):
            if text == "down":
                raise UpstreamFailure.refused()
            return text.upper()
        t = self.serve(fetch)
        self.client.sendall(b"hello\r\n\nab\xffc\ndown\nlast")
        self.client.shutdown(socket.SHUT_WR)
        answers = self.read_all().decode("utf-8").splitlines()
        t.join(10)
        self.assertEqual(answers[0], "echo: HELLO")
        self.assertEqual(answers[1], "error: text is required")
        self.assertEqual(answers[2], "echo: AB\ufffdC")
        self.assertTrue(answers[3].startswith("error: "), answers[3])
        self.assertEqual(answers[4], "echo: LAST")  # a last line without its newline
        self.assertEqual(self.seen, ["hello", "ab\ufffdc", "down", "last"])
        self.assertEqual((self.count("lab_requests_total", outcome="ok"), self.count("lab_requests_total", outcome="bad_request"),
                          self.count("lab_requests_total", outcome="upstream_error")), (3, 1, 1))
        self.assertEqual((self.count("lab_inflight_requests"), self.count("lab_open_connections")), (0, 0))

    def test_line_too_long_is_answered_then_closed(self):
        t = self.serve(lambda text: text)
        self.client.sendall(b"x" * (MAX_LINE_BYTES + 1) + b"\n")
        self.assertEqual(self.read_all(), LINE_TOO_LONG)
        t.join(10)
        self.assertEqual((self.seen, self.count("lab_open_connections")), ([], 0))

    def test_a_client_that_vanishes_mid_request_leaks_nothing(self):
        released = threading.Event()
        def fetch(text):
            self.client.close()  # the client leaves while its line is being fetched
            released.wait(5)
            return text
        t = self.serve(fetch)
        self.client.sendall(b"bye\n")
        released.set()
        t.join(10)
        self.assertFalse(t.is_alive())
        self.assertEqual((self.count("lab_inflight_requests"), self.count("lab_open_connections")), (0, 0))


if __name__ == "__main__":
    unittest.main()
