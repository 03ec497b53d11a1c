import hashlib
import socket
import urllib.error
import unittest

from labcommon.cpuwork import burn_cpu_ms, cpu_work
from labcommon.overhead import ExperimentGuard, Timing, overhead_result, seed_clock
from labcommon.upstream import UpstreamFailure, classify_exception, translation_from, upstream_url
from labcommon.validation import OverheadParams


class CpuWorkTest(unittest.TestCase):
    def test_zero_rounds_is_the_text(self):
        self.assertEqual(cpu_work("abc", 0), b"abc".hex())

    def test_one_round_is_sha256_of_the_utf8_text(self):
        self.assertEqual(cpu_work("abc", 1), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")

    def test_rounds_chain_over_the_32_byte_digest(self):
        d = "h\u00e9".encode("utf-8")
        for _ in range(3):
            d = hashlib.sha256(d).digest()
        self.assertEqual(cpu_work("h\u00e9", 3), d.hex())

    def test_same_vector_as_ts_common(self):  # services/ts-common/test/cpu-work.test.ts
        self.assertEqual(cpu_work("ahoy matey \u2620", 1000),
                         "916c4409abe35922bebd90a213f13abe863054a1ce4d3aa8f046abce34d9553c")


class BurnCpuMsTest(unittest.TestCase):
    def test_uses_the_asked_cpu_time_of_this_thread(self):
        import time
        t0 = time.thread_time()
        used = burn_cpu_ms(30)
        spent = time.thread_time() - t0
        self.assertGreaterEqual(used, 0.030)
        self.assertAlmostEqual(spent, used, delta=0.002)
        self.assertLess(used, 0.033)  # stops within ~10% past the target

    def test_another_busy_thread_does_not_count(self):
        # Under the GIL the two threads share one interpreter: the wall time roughly doubles,
        # the CPU time each one is charged stays what it asked for.
        import threading
        used = {}
        threads = [threading.Thread(target=lambda k=k: used.__setitem__(k, burn_cpu_ms(40))) for k in "ab"]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for k in "ab":
            self.assertGreaterEqual(used[k], 0.040)
            self.assertLess(used[k], 0.046)

    def test_zero_is_nothing(self):
        self.assertLess(burn_cpu_ms(0), 0.001)


class UpstreamTest(unittest.TestCase):
    def test_url_quotes_every_reserved_character(self):
        self.assertEqual(upstream_url("http://h:9/", "a b&c=d+e/\u00e9", 50),
                         "http://h:9/arrpi?text=a%20b%26c%3Dd%2Be%2F%C3%A9&delay_ms=50")
        self.assertEqual(upstream_url("http://h:9", "x"), "http://h:9/arrpi?text=x")

    def test_translation_from(self):
        self.assertEqual(translation_from(200, b"ahoy\n"), "ahoy")
        self.assertEqual(translation_from(200, "\u00e9".encode()), "\u00e9")
        for status, body, word in ((500, b"x", "HTTP 500"), (200, b"\xff", "UTF-8"), (200, b"a\nb\n", "line")):
            with self.assertRaises(UpstreamFailure) as cm:
                translation_from(status, body)
            self.assertEqual((cm.exception.status, cm.exception.outcome), (502, "upstream_error"))
            self.assertIn(word, cm.exception.reason)

    def test_classification(self):
        t = classify_exception(urllib.error.URLError(socket.timeout("timed out")), 1234)
        self.assertEqual((t.status, t.outcome), (504, "timeout"))
        self.assertIn("1234 ms", t.reason)
        self.assertEqual(classify_exception(TimeoutError(), 5).outcome, "timeout")
        r = classify_exception(urllib.error.URLError(ConnectionRefusedError(111, "refused")), 5)
        self.assertEqual((r.status, r.outcome), (502, "upstream_error"))
        self.assertIn("refused", r.reason)
        self.assertEqual(classify_exception(ConnectionResetError(), 5).status, 502)


class OverheadTest(unittest.TestCase):
    def test_result(self):
        r = overhead_result(OverheadParams(10, 200, 5), Timing(0.125, 0.02))
        self.assertEqual(r, {"workers": 10, "tasks": 200, "sleep_ms": 5, "mode": "pool", "elapsed_s": 0.125,
                             "setup_s": 0.02, "ideal_s": 0.1, "overhead": 1.25})
        self.assertEqual(overhead_result(OverheadParams(10, 200, 5, "spawn"), Timing(0.125))["mode"], "spawn")
        self.assertEqual(overhead_result(OverheadParams(10, 200, 5, "spawn"), Timing(0.125))["setup_s"], 0.0)
        self.assertIsNone(overhead_result(OverheadParams(1, 1, 0), Timing(0.001))["overhead"])

    def test_seed_clock_keeps_the_pool_start_out_of_the_window(self):
        import time
        timing, pool = seed_clock(lambda: time.sleep(0.05) or "pool", lambda p: time.sleep(0.02))
        self.assertEqual(pool, "pool")
        self.assertGreaterEqual(timing.setup_s, 0.05)
        self.assertGreaterEqual(timing.elapsed_s, 0.02)
        self.assertLess(timing.elapsed_s, 0.05)

    def test_guard_allows_one_at_a_time(self):
        g = ExperimentGuard()
        self.assertTrue(g.try_start())
        self.assertFalse(g.try_start())
        g.finish()
        self.assertTrue(g.try_start())
        g.finish()


if __name__ == "__main__":
    unittest.main()
