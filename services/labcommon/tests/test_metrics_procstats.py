import os
import threading
import time
import unittest

from labcommon.metrics import OUTCOMES, PROTOCOLS, LabMetrics
from labcommon.procstats import TreeStats, descendants, read_stat
from labtesting import parse_metrics

CONTRACT_NAMES = {
    "lab_info", "lab_requests_total", "lab_request_duration_seconds_bucket", "lab_request_duration_seconds_count",
    "lab_request_duration_seconds_sum", "lab_upstream_duration_seconds_bucket", "lab_inflight_requests",
    "lab_open_connections", "lab_concurrency_units", "lab_os_threads", "lab_context_switches_total",
    "process_cpu_seconds_total", "process_resident_memory_bytes",
}


class MetricsTest(unittest.TestCase):
    def setUp(self):
        self.m = LabMetrics("test-impl", "a model", "CPython test", "threads")

    def samples(self):
        return parse_metrics(self.m.render().decode())

    def test_every_contract_name_is_exposed_before_any_traffic(self):
        names = {n for n, _ in self.samples()}
        self.assertTrue(CONTRACT_NAMES <= names, CONTRACT_NAMES - names)

    def test_impl_label_on_every_series(self):
        for (name, labels), _ in self.samples().items():
            self.assertIn(("impl", "test-impl"), labels, name)

    def test_every_protocol_outcome_preinitialised(self):
        s = self.samples()
        for p in PROTOCOLS:
            for o in OUTCOMES:
                key = ("lab_requests_total", (("impl", "test-impl"), ("outcome", o), ("protocol", p)))
                self.assertEqual(s[key], 0.0)

    def test_no_default_collectors(self):
        names = {n for n, _ in self.samples()}
        for foreign in ("python_info", "python_gc_objects_collected_total", "process_open_fds",
                        "process_virtual_memory_bytes"):
            self.assertNotIn(foreign, names)

    def test_recording(self):
        self.m.request_done("http", "ok", 0.05)
        self.m.request_done("line", "timeout", 2.0)
        self.m.observe_upstream(0.049)
        self.m.inflight_add("http", 1)
        self.m.connections_add("line", 2)
        self.m.set_units_function(lambda: 7)
        s = self.samples()
        base = (("impl", "test-impl"),)
        self.assertEqual(s[("lab_requests_total", base + (("outcome", "ok"), ("protocol", "http")))], 1)
        self.assertEqual(s[("lab_requests_total", base + (("outcome", "timeout"), ("protocol", "line")))], 1)
        self.assertEqual(s[("lab_request_duration_seconds_bucket", base + (("le", "0.05"), ("protocol", "http")))], 1)
        self.assertEqual(s[("lab_request_duration_seconds_bucket", base + (("le", "0.04"), ("protocol", "http")))], 0)
        self.assertEqual(s[("lab_upstream_duration_seconds_count", base)], 1)
        self.assertEqual(s[("lab_inflight_requests", base + (("protocol", "http"),))], 1)
        self.assertEqual(s[("lab_open_connections", base + (("protocol", "line"),))], 2)
        self.assertEqual(s[("lab_concurrency_units", base + (("unit", "threads"),))], 7)

    def test_info_labels(self):
        s = self.samples()
        key = ("lab_info", (("impl", "test-impl"), ("language", "python"), ("model", "a model"),
                            ("runtime", "CPython test")))
        self.assertEqual(s[key], 1)

    def test_content_type_and_unit_checked(self):
        with self.assertRaises(ValueError):
            LabMetrics("x", "m", "r", "fibers")


class ProcStatsTest(unittest.TestCase):
    def test_own_process(self):
        s = read_stat(os.getpid())
        self.assertEqual(s.pid, os.getpid())
        self.assertEqual(s.ppid, os.getppid())
        self.assertGreater(s.rss_bytes, 1 << 20)
        self.assertGreaterEqual(s.threads, 1)

    def test_tree_counts_threads_and_children(self):
        tree = TreeStats(root_pid=os.getpid(), rescan_seconds=0)
        before = tree.snapshot()
        stop = threading.Event()
        threads = [threading.Thread(target=stop.wait) for _ in range(5)]
        for t in threads:
            t.start()
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # a child that waits until the parent closes the pipe
            os.close(w)
            os.read(r, 1)
            os._exit(0)
        os.close(r)
        try:
            self.assertIn(pid, descendants(os.getpid()))
            during = tree.snapshot()
            self.assertEqual(during.processes, before.processes + 1)
            # The main thread, the 5 waiting ones and the child's one. Not before.threads + 6: a
            # thread of an earlier test that was still exiting at `before` made that flaky.
            self.assertGreaterEqual(during.threads, 1 + len(threads) + 1)
            self.assertGreater(during.rss_bytes, before.rss_bytes)
        finally:
            stop.set()
            for t in threads:
                t.join()
            os.close(w)
            os.waitpid(pid, 0)
        after = tree.snapshot()
        self.assertEqual(after.processes, before.processes)
        # Counters never go back, though tasks exited.
        self.assertGreaterEqual(after.voluntary, during.voluntary)
        self.assertGreaterEqual(after.involuntary, during.involuntary)
        self.assertGreaterEqual(after.cpu_seconds, during.cpu_seconds)

    def test_a_new_child_shows_up_by_the_next_rescan(self):
        tree = TreeStats(root_pid=os.getpid(), rescan_seconds=0.2)
        before = tree.snapshot().processes
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(w)
            os.read(r, 1)
            os._exit(0)
        os.close(r)
        try:
            time.sleep(0.25)
            self.assertEqual(tree.snapshot().processes, before + 1)
        finally:
            os.close(w)
            os.waitpid(pid, 0)

    def test_cpu_of_a_reaped_child_stays_counted(self):
        tree = TreeStats(root_pid=os.getpid())
        before = tree.snapshot().cpu_seconds
        pid = os.fork()
        if pid == 0:
            end = time.process_time() + 0.3
            while time.process_time() < end:
                pass
            os._exit(0)
        os.waitpid(pid, 0)
        self.assertGreaterEqual(tree.snapshot().cpu_seconds - before, 0.25)

    def test_switches_of_threads_that_lived_between_snapshots_are_counted(self):
        # Issue 14: the per-task reader never saw threads born and gone between two scrapes
        # (an idle step's connections, /overhead's workers); getrusage counts them.
        tree = TreeStats(root_pid=os.getpid())
        before = tree.snapshot().voluntary

        def sleeper():
            for _ in range(20):
                time.sleep(0.001)  # a voluntary switch each
        threads = [threading.Thread(target=sleeper) for _ in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertGreaterEqual(tree.snapshot().voluntary - before, 20 * 20)

    def test_a_scrape_reads_per_process_not_per_thread(self):
        # 300 threads: a scrape reading a file per thread released the GIL 300 times among
        # them; now it reads per process (or one scan of /proc), whatever the thread count.
        from labcommon import procstats
        stop = threading.Event()
        threads = [threading.Thread(target=stop.wait) for _ in range(300)]
        for t in threads:
            t.start()
        reads = []
        real = procstats._read
        procstats._read = lambda path: reads.append(path) or real(path)
        try:
            snap = TreeStats(root_pid=os.getpid()).snapshot()
        finally:
            procstats._read = real
            stop.set()
            for t in threads:
                t.join()
        self.assertGreaterEqual(snap.threads, 301)
        per_task = [p for p in reads if "/task/" in p]
        self.assertEqual(per_task, [], f"{len(per_task)} per-thread files read")
        self.assertLess(len(reads), len(os.listdir("/proc")) + 5)


if __name__ == "__main__":
    unittest.main()
