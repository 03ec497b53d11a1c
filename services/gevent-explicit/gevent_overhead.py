"""gevent-explicit's /overhead methods, in greenlets written against gevent's own API (no
patching). Importing this module starts nothing: labtesting/standalone_overhead.py runs the
same functions outside the server."""
import time

import gevent
import gevent.pool
import gevent.queue

from labcommon.overhead import Timing, put_all_and_join, seed_clock

# The running experiment's greenlets, for the row's lab_concurrency_units (live_greenlets):
# kept here so a scrape counts them without walking the heap.
_running = {"workers": (), "pool": None}


def live_greenlets() -> int:
    """Greenlets of the experiment in progress that have not finished (0 between runs)."""
    pool = _running["pool"]
    return sum(1 for g in _running["workers"] if not g.dead) + (len(pool) if pool is not None else 0)

def run_overhead(params) -> Timing:
    """The timing of N tasks of S ms on C greenlets, by params.mode."""
    return run_greenlet_pool(params) if params.mode == "pool" else run_greenlet_spawn(params)


def run_greenlet_pool(params) -> Timing:
    """The original experiment (concurrency_test.py's GreenletPool): C long-lived greenlets,
    each spawned and given a gevent.sleep(0) to start, loop on a gevent.queue.JoinableQueue(C);
    then the clock runs while the caller puts N tasks (yielding while it is full) and joins the
    queue. Then the workers are killed (they are blocked in get())."""
    seconds = params.sleep_ms / 1000.0
    tasks = gevent.queue.JoinableQueue(params.workers)

    def worker():
        while True:
            tasks.get()
            gevent.sleep(seconds)
            tasks.task_done()

    def start_pool():
        workers = []
        _running["workers"] = workers
        for _ in range(params.workers):
            workers.append(gevent.spawn(worker))
            gevent.sleep(0)  # as the seed's start_thread: the greenlet runs up to its get()
        return workers

    try:
        timing, workers = seed_clock(start_pool, put_all_and_join(tasks, params.tasks))
        gevent.killall(workers)
    finally:
        _running["workers"] = ()
    return timing


def run_greenlet_spawn(params) -> Timing:
    """A greenlet per task, at most C alive: gevent.pool.Pool(C).spawn blocks (yields) while
    all C are busy; elapsed until the pool is joined."""
    seconds = params.sleep_ms / 1000.0
    started = time.monotonic()
    pool = gevent.pool.Pool(params.workers)
    _running["pool"] = pool
    try:
        for _ in range(params.tasks):
            pool.spawn(gevent.sleep, seconds)
        pool.join()
    finally:
        _running["pool"] = None
    return Timing(time.monotonic() - started)
