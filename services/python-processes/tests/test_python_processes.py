import os
import unittest

from labtesting import Row, live_children, zombie_children
from labtesting.contract import RowContract


class PythonProcessesTest(RowContract, unittest.TestCase):
    ROW = "python-processes"
    UNIT = "processes"
    OVERHEAD_WORKERS_GAUGE = "lab_os_threads"  # its /overhead workers are forked processes, not units

    def setUp(self):
        # A closed connection's child exits and is reaped a moment later; tests here count the
        # children exactly (one in a forked connection, three after three connections), so each
        # starts once the previous test's children are gone.
        self.assertEqual(self.row.wait_metric("lab_concurrency_units", lambda v: v == 0, unit="processes"), 0)

    def test_a_process_per_connection_reaped_after_close(self):
        conns = [self.row.line_conn() for _ in range(3)]
        try:
            for c in conns:
                self.assertEqual(c.ask(b"hello"), b"echo: ahoy\n")
            kids = live_children(self.row.pid)
            self.assertGreaterEqual(len(kids), 3)
            self.assertGreaterEqual(self.row.metric("lab_concurrency_units", unit="processes"), 3)
        finally:
            for c in conns:
                c.close()
        self.assertEqual(self.row.wait_metric("lab_concurrency_units", lambda v: v == 0, unit="processes"), 0)
        self.assertEqual(zombie_children(self.row.pid), [])
        for pid in kids:
            self.assertFalse(os.path.exists(f"/proc/{pid}"), f"child {pid} still in /proc")

    def test_counters_of_finished_children_are_kept(self):
        before = self.row.metric("lab_requests_total", protocol="http", outcome="ok")
        for _ in range(3):  # three connections, three children, each exits after its answer
            self.assertEqual(self.row.get("/echo?text=hello&delay_ms=0")[0], 200)
        self.assertEqual(self.row.metric("lab_requests_total", protocol="http", outcome="ok"), before + 3)

    def test_metrics_inside_a_forked_connection(self):
        import http.client
        c = http.client.HTTPConnection("127.0.0.1", self.row.http_port, timeout=30)
        try:
            c.request("GET", "/echo?text=hello&delay_ms=0")
            r = c.getresponse()
            self.assertEqual(r.read(), b"echo: ahoy\n")
            c.request("GET", "/metrics")  # now served by the child, which asks the parent
            r = c.getresponse()
            body = r.read().decode()
            self.assertEqual(r.status, 200)
            self.assertIn('lab_concurrency_units{impl="python-processes",unit="processes"} 1.0', body)
        finally:
            c.close()


class MaxChildrenTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        from labtesting import Upstream
        cls.upstream = Upstream(delay_ms=0)
        cls.row = Row("python-processes", cls.upstream.url, {"MAX_CHILDREN": "2"})

    @classmethod
    def tearDownClass(cls):
        cls.row.stop()
        cls.upstream.stop()

    def test_third_connection_is_told_busy(self):
        held = [self.row.line_conn() for _ in range(2)]
        try:
            for c in held:
                self.assertEqual(c.ask(b"hello"), b"echo: ahoy\n")  # both children forked and serving
            third = self.row.line_conn()
            try:
                self.assertEqual(third.readline(), b"error: busy\n")
                self.assertEqual(third.readline(), b"")
            finally:
                third.close()
            status, body, _ = self.row.get("/echo?text=hello")
            self.assertEqual(status, 503)
            self.assertIn(b"MAX_CHILDREN is 2", body)
            # The parent still answers its own routes while full.
            self.assertEqual(self.row.get("/healthz")[0], 200)
            self.assertEqual(self.row.metric("lab_requests_total", protocol="line", outcome="busy"), 1)
            self.assertEqual(self.row.metric("lab_requests_total", protocol="http", outcome="busy"), 1)
        finally:
            for c in held:
                c.close()
        self.assertEqual(self.row.wait_metric("lab_concurrency_units", lambda v: v == 0, unit="processes"), 0)
        again = self.row.line_conn()
        try:
            self.assertEqual(again.ask(b"hello"), b"echo: ahoy\n")
        finally:
            again.close()

    def test_bad_max_children_exits_2(self):
        import subprocess
        from labtesting import PYTHON, SERVICES
        env = {**os.environ, "MAX_CHILDREN": "zero", "PYTHONPATH": os.path.join(SERVICES, "labcommon"),
               "PORT": "0", "LINE_PORT": "0", "UPSTREAM_URL": "http://127.0.0.1:1"}
        p = subprocess.run([PYTHON, "service.py"], cwd=os.path.join(SERVICES, "python-processes"), env=env,
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 2)
        self.assertIn("MAX_CHILDREN must be an integer", p.stderr)


if __name__ == "__main__":
    unittest.main()
