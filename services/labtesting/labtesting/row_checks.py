"""Row-contract tests that several rows share beyond RowContract itself, as mixins: a row's
test class lists the ones that hold for its model and sets their class attributes."""
import threading

from labtesting import hold_idle_connections


class RuntimeLabel:
    """lab_info says which language and runtime built the row."""
    LANGUAGE = ""
    RUNTIME_PREFIX = ""

    def test_runtime_label(self):
        info = [dict(ls) for n, ls in self.row.metrics() if n == "lab_info"]
        self.assertEqual(len(info), 1)
        self.assertEqual(info[0]["language"], self.LANGUAGE)
        self.assertTrue(info[0]["runtime"].startswith(self.RUNTIME_PREFIX), info[0])


class UnitNotThreadPerIdleConnection:
    """200 idle line connections are 200 units of the row's model, not 200 OS threads."""
    MAX_NEW_THREADS = 5

    def test_a_unit_not_a_thread_per_idle_connection(self):
        threads0 = self.row.metric("lab_os_threads")
        units0 = self.row.metric("lab_concurrency_units", unit=self.UNIT)
        conns = hold_idle_connections(self.row, 200)
        try:
            # 150, not 200: the baseline may still count units of earlier tests' closing
            # connections (python-threads' test allows the same for its threads).
            self.assertGreaterEqual(self.row.metric("lab_concurrency_units", unit=self.UNIT) - units0, 150)
            self.assertLess(self.row.metric("lab_os_threads") - threads0, self.MAX_NEW_THREADS)
        finally:
            for c in conns:
                c.close()


class WarmUpstreamPoolFirst:
    """For a row whose units count its HTTP client's own per-connection units (Go's Transport
    loops, hyper's connection tasks, httpc's session processes): five parallel fetches first, so that the pool already
    holds the connections RowContract's five requests reuse and the count returns to its
    baseline."""

    def test_units_count_work_in_flight(self):
        warm = [threading.Thread(target=lambda: self.row.get("/echo?text=hello&delay_ms=300")) for _ in range(5)]
        for t in warm:
            t.start()
        for t in warm:
            t.join()
        super().test_units_count_work_in_flight()
