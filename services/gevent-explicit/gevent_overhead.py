"""gevent-explicit's /overhead methods, in greenlets written against gevent's own API (no
patching). Importing this module starts nothing: labtesting/standalone_overhead.py runs the
same functions outside the server."""
import time

import gevent
import gevent.pool
import gevent.queue


def run_overhead(params) -> float:
    """Elapsed seconds of N tasks of S ms on C greenlets, by params.mode."""
    return run_greenlet_pool(params) if params.mode == "pool" else run_greenlet_spawn(params)


def run_greenlet_pool(params) -> float:
    """The original experiment: C long-lived greenlets loop on a gevent.queue.JoinableQueue(C);
    the caller puts N tasks (yielding while it is full) and joins the queue, then kills the
    workers (they are blocked in get()). Elapsed: before the first spawn to the last task done."""
    seconds = params.sleep_ms / 1000.0
    tasks = gevent.queue.JoinableQueue(params.workers)

    def worker():
        while True:
            tasks.get()
            gevent.sleep(seconds)
            tasks.task_done()

    started = time.monotonic()
    workers = [gevent.spawn(worker) for _ in range(params.workers)]
    for i in range(params.tasks):
        tasks.put(i)
    tasks.join()
    elapsed = time.monotonic() - started
    gevent.killall(workers)
    return elapsed


def run_greenlet_spawn(params) -> float:
    """A greenlet per task, at most C alive: gevent.pool.Pool(C).spawn blocks (yields) while
    all C are busy; elapsed until the pool is joined."""
    seconds = params.sleep_ms / 1000.0
    started = time.monotonic()
    pool = gevent.pool.Pool(params.workers)
    for _ in range(params.tasks):
        pool.spawn(gevent.sleep, seconds)
    pool.join()
    return time.monotonic() - started
