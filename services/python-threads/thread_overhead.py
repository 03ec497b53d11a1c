"""python-threads' /overhead methods, in OS threads (greenlets in gevent-monkey, which runs this
module after monkey.patch_all(): threading, queue and time.sleep are all patched). Importing
this module starts nothing: labtesting/standalone_overhead.py runs the same functions outside
the server."""
import queue
import threading
import time
from typing import Optional

from labcommon.overhead import Timing, put_all_and_join, seed_clock


def run_overhead(params) -> Timing:
    """N tasks of sleep(S) on C threads, by params.mode."""
    return run_thread_pool(params) if params.mode == "pool" else run_thread_spawn(params)


def run_thread_pool(params) -> Timing:
    """The original experiment (concurrency_test.py's ThreadPool): C long-lived threads loop on
    a queue.Queue(C); once they are started the clock runs while the caller puts N tasks
    (blocking while the queue is full) and joins the queue. Then one None per worker stops them."""
    seconds = params.sleep_ms / 1000.0
    tasks: "queue.Queue[Optional[int]]" = queue.Queue(params.workers)

    def worker() -> None:
        while True:
            task = tasks.get()
            if task is None:
                return
            time.sleep(seconds)
            tasks.task_done()

    def start_pool():
        workers = [threading.Thread(target=worker, daemon=True) for _ in range(params.workers)]
        for t in workers:
            t.start()
        return workers

    timing, workers = seed_clock(start_pool, put_all_and_join(tasks, params.tasks))
    for _ in workers:
        tasks.put(None)
    for t in workers:
        t.join()
    return timing


def run_thread_spawn(params) -> Timing:
    """A new thread per task, at most C alive: a Semaphore(C) is taken before each
    threading.Thread(...).start() and released when that thread ends (a ThreadPoolExecutor would
    reuse its threads and start none after the first C). Elapsed until the last one ends."""
    seconds = params.sleep_ms / 1000.0
    slots = threading.BoundedSemaphore(params.workers)
    done = threading.Semaphore(0)

    def one() -> None:
        try:
            time.sleep(seconds)
        finally:
            slots.release()
            done.release()

    started = time.monotonic()
    for _ in range(params.tasks):
        slots.acquire()
        threading.Thread(target=one, daemon=True).start()
    for _ in range(params.tasks):
        done.acquire()
    return Timing(time.monotonic() - started)
