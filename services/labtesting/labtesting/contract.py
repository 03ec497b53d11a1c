"""The lab's contract (contract/README.md) as a unittest mixin, shared by every Python row's tests.
A row's test sets ROW (folder name) and UNIT, and may set ROW_ENV and OVERHEAD_WORKERS_GAUGE."""
import json
import signal
import socket
import threading
import time
import unittest
from typing import Dict

from labcommon.lineproto import MAX_LINE_BYTES

from . import Row, Upstream


class RowContract:
    ROW = ""
    UNIT = ""
    ROW_ENV: Dict[str, str] = {}
    # The gauge on which a running /overhead experiment's C workers show, so a test knows the
    # experiment has started. Where the pool is made of the row's units, that is the units gauge;
    # python-processes forks its workers from a connection's child, which are not counted as
    # units, but each adds an OS thread to the service.
    OVERHEAD_WORKERS_GAUGE = "lab_concurrency_units"

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
            c.send(b"y" * (MAX_LINE_BYTES + 10) + b"\n")  # the limit of contract/contract.json
            self.assertEqual(c.readline(), b"error: line too long\n")
            self.assertEqual(c.readline(), b"")
        finally:
            c.close()

    # --- bad input ----------------------------------------------------------------------------
    def test_bad_input_gets_400_with_reason(self):
        for target, word in (("/echo", b"text is required"), ("/echo?text=a&delay_ms=70000", b"delay_ms"),
                             ("/echo?text=" + "b" * 4097, b"4097 bytes"), ("/echo?text=a&cpu_iters=x", b"cpu_iters"),
                             ("/echo?text=a&cpu_ms=1001", b"cpu_ms must be an integer from 0 to 1000, got 1001"),
                             ("/overhead?workers=0&tasks=1&sleep_ms=1", b"workers")):
            status, body, _ = self.row.get(target)
            self.assertEqual(status, 400, target)
            self.assertIn(word, body)
            self.assertEqual(body.count(b"\n"), 1)

    def test_cpu_ms_costs_the_row_that_much_cpu(self):
        # The row's own CPU counter, less the same requests without cpu_ms (fetch, answer, scrape).
        # python-processes counts a child's CPU once it has reaped it: each reading waits until
        # the units are back where they were (children reaped), then pauses, so both runs end
        # alike. 0.6 s of asked CPU keeps a child's own cost (fork, fetch: ~10 ms, more on a
        # loaded machine) well inside the margins.
        units0 = self.row.metric("lab_concurrency_units", unit=self.UNIT)

        def cpu_of(ms, n=3):
            before = self.row.metric("process_cpu_seconds_total")
            for _ in range(n):
                self.assertEqual(self.row.get(f"/echo?text=hello&delay_ms=0&cpu_ms={ms}")[:2], (200, b"echo: ahoy\n"))
            self.row.wait_metric("lab_concurrency_units", lambda v: v <= units0, unit=self.UNIT)
            time.sleep(0.3)
            return self.row.metric("process_cpu_seconds_total") - before
        extra = cpu_of(200) - cpu_of(0)
        self.assertGreaterEqual(extra, 0.6 * 0.9)
        self.assertLess(extra, 0.6 * 1.25)

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
    def test_overhead_experiment_in_both_modes(self):
        for query, mode in (("", "pool"), ("&mode=pool", "pool"), ("&mode=spawn", "spawn")):
            status, body, headers = self.row.get("/overhead?workers=10&tasks=200&sleep_ms=5" + query)
            self.assertEqual(status, 200, body)
            self.assertEqual(headers["content-type"], "application/json")
            r = json.loads(body)
            self.assertEqual(sorted(r), ["elapsed_s", "ideal_s", "mode", "overhead", "setup_s", "sleep_ms", "tasks", "workers"])
            self.assertEqual((r["workers"], r["tasks"], r["sleep_ms"], r["mode"], r["ideal_s"]), (10, 200, 5, mode, 0.1),
                             query)
            self.assertGreaterEqual(r["overhead"], 1.0, query)
            self.assertAlmostEqual(r["overhead"], r["elapsed_s"] / r["ideal_s"], places=3)
            # The seed's clock: the pool's start is beside the window (setup_s), spawn has none.
            if mode == "pool":
                self.assertGreater(r["setup_s"], 0.0, query)
            else:
                self.assertEqual(r["setup_s"], 0.0, query)

    def test_overhead_bad_mode_gets_400_naming_the_modes(self):
        status, body, _ = self.row.get("/overhead?workers=2&tasks=2&sleep_ms=1&mode=bogus")
        self.assertEqual((status, body.count(b"\n")), (400, 1), body)
        self.assertIn(b"mode must be one of pool, spawn", body)

    def test_overhead_more_workers_than_tasks(self):
        for mode in ("pool", "spawn"):
            status, body, _ = self.row.get(f"/overhead?workers=20&tasks=3&sleep_ms=1&mode={mode}")
            self.assertEqual(status, 200, body)
            self.assertEqual(json.loads(body)["tasks"], 3)

    def test_second_overhead_experiment_gets_409(self):
        gauge = self.OVERHEAD_WORKERS_GAUGE
        before = self.row.metric(gauge)
        first = {}
        runner = threading.Thread(target=lambda: first.update(
            answer=self.row.get("/overhead?workers=50&tasks=4000&sleep_ms=25")))
        runner.start()
        try:
            # The first experiment's 50 workers show up on the gauge: from then on it is running.
            self.row.wait_metric(gauge, lambda v: v >= before + 50)
            status, body, _ = self.row.get("/overhead?workers=1&tasks=1&sleep_ms=0")
        finally:
            runner.join()
        self.assertEqual((status, body.count(b"\n")), (409, 1), body)
        self.assertIn(b"already running", body)
        self.assertEqual(first["answer"][0], 200, first["answer"][1])

    # --- units ----------------------------------------------------------------------------------
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
            # At most the baseline (not equal: connections of earlier tests may still be closing).
            self.assertLessEqual(self.row.wait_metric("lab_inflight_requests", lambda v: v <= inflight0, protocol=proto),
                                 inflight0, proto)
            self.assertLessEqual(self.row.wait_metric("lab_open_connections", lambda v: v <= open0, protocol=proto),
                                 open0, proto)
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
