"""The DESIGN contract as a unittest mixin, shared by the blocking Python rows' tests.
A row's test sets ROW (folder name) and UNIT, and may set ROW_ENV."""
import json
import signal
import socket
import time
import unittest
from typing import Dict

from . import Row, Upstream


class RowContract:
    ROW = ""
    UNIT = ""
    ROW_ENV: Dict[str, str] = {}

    @classmethod
    def setUpClass(cls):
        cls.upstream = Upstream(delay_ms=20)
        try:
            cls.row = Row(cls.ROW, cls.upstream.url, cls.ROW_ENV)
        except BaseException:
            cls.upstream.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.row.stop()
        cls.upstream.stop()

    # --- bodies -----------------------------------------------------------------------------
    def test_http_echo_body(self):
        status, body, headers = self.row.get("/echo?text=hello&delay_ms=0")
        self.assertEqual((status, body), (200, b"echo: ahoy\n"))
        self.assertTrue(headers["content-type"].startswith("text/plain"))

    def test_http_keep_alive_serves_many_requests_on_one_connection(self):
        import http.client
        c = http.client.HTTPConnection("127.0.0.1", self.row.http_port, timeout=30)
        try:
            for _ in range(5):
                c.request("GET", "/echo?text=hello%20friend&delay_ms=0&cpu_iters=100")
                r = c.getresponse()
                self.assertEqual((r.status, r.read()), (200, b"echo: ahoy matey\n"))
        finally:
            c.close()

    def test_line_protocol_answers_in_order_and_survives_bad_lines(self):
        c = self.row.line_conn()
        try:
            c.send(b"hello\nhello friend\r\n\n" + b"a\xff\n" + b"x" * 5000 + b"\n")
            self.assertEqual(c.readline(), b"echo: ahoy\n")
            self.assertEqual(c.readline(), b"echo: ahoy matey\n")
            self.assertEqual(c.readline(), b"error: text is required\n")
            self.assertTrue(c.readline().startswith(b"echo: "))  # invalid UTF-8 is answered
            self.assertEqual(c.readline(), b"error: text is 5000 bytes, at most 4096 allowed\n")
            self.assertEqual(c.ask(b"hello"), b"echo: ahoy\n")
        finally:
            c.close()

    def test_line_too_long_closes_that_connection(self):
        c = self.row.line_conn()
        try:
            c.send(b"y" * (64 * 1024 + 10) + b"\n")
            self.assertEqual(c.readline(), b"error: line too long\n")
            self.assertEqual(c.readline(), b"")
        finally:
            c.close()

    # --- bad input ----------------------------------------------------------------------------
    def test_bad_input_gets_400_with_reason(self):
        for target, word in (("/echo", b"text is required"), ("/echo?text=a&delay_ms=70000", b"delay_ms"),
                             ("/echo?text=" + "b" * 4097, b"4097 bytes"), ("/echo?text=a&cpu_iters=x", b"cpu_iters"),
                             ("/overhead?workers=0&tasks=1&sleep_ms=1", b"workers")):
            status, body, _ = self.row.get(target)
            self.assertEqual(status, 400, target)
            self.assertIn(word, body)
            self.assertEqual(body.count(b"\n"), 1)

    def test_unknown_path_404_and_healthz(self):
        self.assertEqual(self.row.get("/nope")[0], 404)
        self.assertEqual(self.row.get("/healthz")[:2], (200, b"ok\n"))

    def test_bad_input_is_counted(self):
        before = self.row.metric("lab_requests_total", protocol="http", outcome="bad_request")
        self.row.get("/echo")
        self.assertEqual(self.row.metric("lab_requests_total", protocol="http", outcome="bad_request"), before + 1)

    # --- metrics ------------------------------------------------------------------------------
    def test_metrics_vocabulary_with_impl_everywhere(self):
        samples = self.row.metrics()
        names = {n for n, _ in samples}
        for name in ("lab_info", "lab_requests_total", "lab_request_duration_seconds_bucket",
                     "lab_upstream_duration_seconds_bucket", "lab_inflight_requests", "lab_open_connections",
                     "lab_concurrency_units", "lab_os_threads", "lab_context_switches_total",
                     "process_cpu_seconds_total", "process_resident_memory_bytes"):
            self.assertIn(name, names)
        for (name, labels), _ in samples.items():
            self.assertIn(("impl", self.ROW), labels, name)
        units = [dict(ls)["unit"] for n, ls in samples if n == "lab_concurrency_units"]
        self.assertEqual(units, [self.UNIT])

    def test_echo_is_counted_ok(self):
        before = self.row.metric("lab_requests_total", protocol="line", outcome="ok")
        c = self.row.line_conn()
        try:
            self.assertEqual(c.ask(b"hello"), b"echo: ahoy\n")
        finally:
            c.close()
        self.assertEqual(self.row.metric("lab_requests_total", protocol="line", outcome="ok"), before + 1)

    # --- the overhead experiment ---------------------------------------------------------------
    def test_overhead_experiment(self):
        status, body, headers = self.row.get("/overhead?workers=10&tasks=200&sleep_ms=5")
        self.assertEqual(status, 200, body)
        self.assertEqual(headers["content-type"], "application/json")
        r = json.loads(body)
        self.assertEqual((r["workers"], r["tasks"], r["sleep_ms"], r["ideal_s"]), (10, 200, 5, 0.1))
        self.assertGreaterEqual(r["overhead"], 1.0)
        self.assertAlmostEqual(r["overhead"], r["elapsed_s"] / r["ideal_s"], places=3)

    # --- leaks --------------------------------------------------------------------------------
    def test_client_vanishing_mid_request_leaks_nothing(self):
        for proto, send in (("http", b"GET /echo?text=hi&delay_ms=400 HTTP/1.1\r\nHost: t\r\n\r\n"), ("line", b"hi\n")):
            port = self.row.http_port if proto == "http" else self.row.line_port
            # Baselines as a scrape sees them (a row may count the scrape's own connection).
            inflight0 = self.row.metric("lab_inflight_requests", protocol=proto)
            open0 = self.row.metric("lab_open_connections", protocol=proto)
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(send)
            # Wait until the row has the request in flight, then vanish.
            self.row.wait_metric("lab_inflight_requests", lambda v: v >= inflight0 + 1, protocol=proto)
            s.close()
            # At most the baseline: connections of earlier tests may still be closing then.
            self.assertLessEqual(self.row.wait_metric("lab_inflight_requests", lambda v: v <= inflight0, protocol=proto),
                                 inflight0)
            self.assertLessEqual(self.row.wait_metric("lab_open_connections", lambda v: v <= open0, protocol=proto),
                                 open0)
        self.assertEqual(self.row.metric("lab_inflight_requests"), 0)  # scrapes are not in flight

    def test_upstream_down_answers_502_and_line_stays_usable(self):
        # A second row pointed at a closed port: refused -> 502 / error line.
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        dead_url = f"http://127.0.0.1:{probe.getsockname()[1]}"
        probe.close()
        row = Row(self.ROW, dead_url, {**self.ROW_ENV, "UPSTREAM_TIMEOUT_MS": "2000"})
        try:
            status, body, _ = row.get("/echo?text=a")
            self.assertEqual(status, 502)
            self.assertTrue(body.startswith(b"error: upstream refused"), body)
            c = row.line_conn()
            try:
                self.assertTrue(c.ask(b"a").startswith(b"error: upstream refused"))
                self.assertTrue(c.ask(b"b").startswith(b"error: "))
            finally:
                c.close()
            self.assertEqual(row.metric("lab_requests_total", protocol="http", outcome="upstream_error"), 1)
        finally:
            self.assertEqual(row.stop(), 0)

    def test_slow_upstream_answers_504(self):
        row = Row(self.ROW, self.upstream.url, {**self.ROW_ENV, "UPSTREAM_TIMEOUT_MS": "200"})
        try:
            status, body, _ = row.get("/echo?text=a&delay_ms=1500")
            self.assertEqual(status, 504, body)
            self.assertIn(b"200 ms", body)
            self.assertEqual(row.metric("lab_requests_total", protocol="http", outcome="timeout"), 1)
        finally:
            row.stop()

    def test_sigterm_finishes_in_flight_then_exits_0(self):
        import http.client
        row = Row(self.ROW, self.upstream.url, self.ROW_ENV)
        idle = row.line_conn()
        c = http.client.HTTPConnection("127.0.0.1", row.http_port, timeout=30)
        try:
            c.request("GET", "/echo?text=hello&delay_ms=700")
            row.wait_metric("lab_inflight_requests", lambda v: v >= 1, protocol="http")
            row.proc.send_signal(signal.SIGTERM)
            r = c.getresponse()
            self.assertEqual((r.status, r.read()), (200, b"echo: ahoy\n"))
            self.assertEqual(row.proc.wait(20), 0)
            self.assertEqual(idle.readline(), b"")  # idle connections are closed, not left hanging
        finally:
            c.close()
            idle.close()
            row.stop(signal.SIGKILL)
