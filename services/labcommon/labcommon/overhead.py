"""The pool-overhead experiment's result and its one-at-a-time guard. The pool itself is
each row's own (threads, greenlets, coroutines, processes), since that is what is measured;
each row offers both methods (validation.OVERHEAD_MODES): "pool", C long-lived workers on a
queue bounded to C entries (the original concurrency_test.py), and "spawn", a new unit per
task with at most C alive. labtesting/standalone_overhead.py runs the same functions outside
any server, as the witness of the bench overhead-fidelity.

The clock is the seed's (concurrency_test.py): its WorkerPool starts the C workers when it is
built, then main() takes start_time, puts N tasks, joins, takes end_time. Starting the pool is
outside that window; the rows report it beside, as setup_s (0 in spawn mode, where starting
each unit is the very thing timed)."""
import threading
import time
from typing import Callable, Dict, NamedTuple, Optional, TypeVar

from .validation import OverheadParams

BUSY_REASON = "an overhead experiment is already running; try again when it has finished"


def ideal_seconds(workers: int, tasks: int, sleep_ms: int) -> float:
    """S*N/C in seconds: the elapsed time of a pool with no overhead at all."""
    return sleep_ms * tasks / workers / 1000.0


class Timing(NamedTuple):
    """elapsed_s: the seed's window (put N tasks, join); setup_s: starting the pool, before it."""
    elapsed_s: float
    setup_s: float = 0.0


Pool = TypeVar("Pool")


def seed_clock(start_pool: Callable[[], Pool], put_and_join: Callable[[Pool], None]) -> "tuple[Timing, Pool]":
    """concurrency_test.py's order for a blocking pool: start_pool() (timed as setup_s), then
    the clock, put_and_join(pool), the clock again. Returns the timing and the pool, for the
    caller to stop after the window."""
    t0 = time.monotonic()
    pool = start_pool()
    t1 = time.monotonic()
    put_and_join(pool)
    return Timing(time.monotonic() - t1, t1 - t0), pool


def put_all_and_join(tasks, n: int) -> Callable[[object], None]:
    """concurrency_test.py's timed loop for seed_clock: put n tasks on the bounded queue
    (blocking while it is full), then join it (queue.Queue, gevent's JoinableQueue)."""
    def run(_pool) -> None:
        for i in range(n):
            tasks.put(i)
        tasks.join()
    return run


def overhead_result(params: OverheadParams, timing: Timing) -> Dict[str, float]:
    """The JSON body of /overhead. With sleep_ms=0 the ideal is 0 and overhead is reported as
    null (None), since any ratio would be meaningless."""
    ideal = ideal_seconds(params.workers, params.tasks, params.sleep_ms)
    elapsed_s = timing.elapsed_s
    return {
        "workers": params.workers,
        "tasks": params.tasks,
        "sleep_ms": params.sleep_ms,
        "mode": params.mode,
        "elapsed_s": round(elapsed_s, 6),
        "setup_s": round(timing.setup_s, 6),
        "ideal_s": round(ideal, 6),
        "overhead": round(elapsed_s / ideal, 6) if ideal > 0 else None,
    }


class ExperimentGuard:
    """One experiment at a time per process: try_start() is False while another runs (answer
    409 with BUSY_REASON). Use as `if guard.try_start(): try: ... finally: guard.finish()`.
    A plain threading.Lock: gevent patches it into a greenlet lock."""

    def __init__(self):
        self._lock = threading.Lock()

    def try_start(self) -> bool:
        return self._lock.acquire(blocking=False)

    def finish(self) -> None:
        self._lock.release()

    @property
    def running(self) -> bool:
        return self._lock.locked()


class FileExperimentGuard:
    """The same guard across forked processes: an exclusive flock on a file."""

    def __init__(self, path: str):
        self.path = path
        self._fd: Optional[int] = None

    def try_start(self) -> bool:
        import fcntl
        import os
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def finish(self) -> None:
        import os
        if self._fd is not None:
            os.close(self._fd)  # closing drops the lock
            self._fd = None
