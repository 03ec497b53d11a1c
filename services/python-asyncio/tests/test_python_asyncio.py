import socket
import threading
import unittest

from labtesting.contract import RowContract


class PythonAsyncioTest(RowContract, unittest.TestCase):
    ROW = "python-asyncio"
    UNIT = "coroutines"

    def test_second_overhead_experiment_gets_409(self):
        before = self.row.metric("lab_concurrency_units", unit=self.UNIT)
        first = {}
        runner = threading.Thread(target=lambda: first.update(
            answer=self.row.get("/overhead?workers=50&tasks=4000&sleep_ms=25")))
        runner.start()
        try:
            # The first experiment's 50 workers show up as units: from then on it is running.
            self.row.wait_metric("lab_concurrency_units", lambda v: v >= before + 50, unit=self.UNIT)
            status, body, _ = self.row.get("/overhead?workers=1&tasks=1&sleep_ms=0")
        finally:
            runner.join()
        self.assertEqual((status, body.count(b"\n")), (409, 1), body)
        self.assertIn(b"already running", body)
        self.assertEqual(first["answer"][0], 200, first["answer"][1])

    def test_units_count_work_in_flight(self):
        before = self.row.metric("lab_concurrency_units", unit=self.UNIT)
        answers = []
        clients = [threading.Thread(target=lambda: answers.append(self.row.get("/echo?text=hello&delay_ms=1500")[:2]))
                   for _ in range(5)]
        for c in clients:
            c.start()
        during = self.row.wait_metric("lab_concurrency_units", lambda v: v >= before + 5, unit=self.UNIT)
        for c in clients:
            c.join()
        self.assertGreaterEqual(during, before + 5)
        self.assertEqual(answers, [(200, b"echo: ahoy\n")] * 5)
        self.assertLessEqual(self.row.wait_metric("lab_concurrency_units", lambda v: v <= before, unit=self.UNIT),
                             before)

    def test_client_vanishing_mid_request_leaks_nothing(self):
        # Overrides the contract's version, which expects lab_open_connections == 0: the scrape
        # that reads the gauge holds an HTTP connection of its own, so compare with a baseline
        # read the same way (as `lab verify` does).
        for proto, send in (("http", b"GET /echo?text=hi&delay_ms=400 HTTP/1.1\r\nHost: t\r\n\r\n"),
                            ("line", b"hi\n")):
            open_before = self.row.metric("lab_open_connections", protocol=proto)
            inflight_before = self.row.metric("lab_inflight_requests", protocol=proto)
            port = self.row.http_port if proto == "http" else self.row.line_port
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(send)
            self.row.wait_metric("lab_inflight_requests", lambda v: v >= inflight_before + 1, protocol=proto)
            s.close()
            self.assertEqual(self.row.wait_metric("lab_inflight_requests", lambda v: v == inflight_before,
                                                  protocol=proto), inflight_before, proto)
            self.assertEqual(self.row.wait_metric("lab_open_connections", lambda v: v == open_before,
                                                  protocol=proto), open_before, proto)


if __name__ == "__main__":
    unittest.main()
