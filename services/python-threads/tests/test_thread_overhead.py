"""thread_overhead's two methods count real threads: pool mode starts C threads and no more,
spawn mode starts one per task (a ThreadPoolExecutor would start C and reuse them). Every
thread started while threading.setprofile is set runs the hook once at its start."""
import sys
import threading
import unittest

from labcommon.validation import OverheadParams
from thread_overhead import run_overhead


def threads_started_by(params):
    started = set()
    lock = threading.Lock()

    def hook(*_args):
        with lock:
            started.add(threading.current_thread())
        sys.setprofile(None)  # once per thread is enough: off for the rest of this thread

    threading.setprofile(hook)
    try:
        timing = run_overhead(params)
    finally:
        threading.setprofile(None)
    return started, timing


class ThreadOverheadTest(unittest.TestCase):
    def test_spawn_starts_a_thread_per_task(self):
        started, timing = threads_started_by(OverheadParams(workers=3, tasks=20, sleep_ms=1, mode="spawn"))
        self.assertEqual(len(started), 20)
        self.assertEqual(timing.setup_s, 0.0)

    def test_pool_starts_c_threads_before_the_clock(self):
        started, timing = threads_started_by(OverheadParams(workers=3, tasks=20, sleep_ms=1, mode="pool"))
        self.assertEqual(len(started), 3)
        self.assertGreater(timing.setup_s, 0.0)
        self.assertGreaterEqual(timing.elapsed_s, 20 * 0.001 / 3)


if __name__ == "__main__":
    unittest.main()
