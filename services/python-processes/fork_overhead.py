"""python-processes' /overhead methods, in forked processes, and the route that answers them
(run in the connection's own child; a file lock keeps one experiment at a time across
children). Importing this module starts nothing: labtesting/standalone_overhead.py runs the
same functions outside the server."""
import os
import time

from labcommon.blocking import Answer
from labcommon.overhead import BUSY_REASON, FileExperimentGuard, Timing, seed_clock, overhead_result
from labcommon.validation import parse_overhead_query


def overhead_answer(req, guard_path: str) -> Answer:
    params, reason = parse_overhead_query(req.query)
    if reason:
        return Answer.text(400, reason)
    guard = FileExperimentGuard(guard_path)
    if not guard.try_start():
        return Answer.text(409, BUSY_REASON)
    try:
        return Answer.json(200, overhead_result(params, run_overhead(params)))
    finally:
        guard.finish()


def run_overhead(params) -> Timing:
    """N tasks of S ms on C forked processes, by params.mode."""
    return run_process_pool(params) if params.mode == "pool" else run_process_spawn(params)


def _exit_after(work) -> None:
    """A forked worker's whole life: never return into the server's (or script's) code."""
    code = 0
    try:
        work()
    except BaseException:  # noqa: BLE001
        code = 1
    finally:
        os._exit(code)


def run_process_pool(params) -> Timing:
    """The original experiment with processes: C forked workers loop "read a one-byte task
    from a pipe, sleep S ms, write one byte to a done pipe". The forks are the pool's start
    (setup_s); then the clock runs while the caller keeps at most 2C tasks outstanding (C
    queued in the pipe, as Queue(C) holds, plus the C being slept) and reads the done pipe until
    all N are done. Then it closes the task pipe (EOF stops the workers) and reaps them."""
    seconds = params.sleep_ms / 1000.0
    task_r, task_w = os.pipe()
    done_r, done_w = os.pipe()
    pids = []

    def work() -> None:
        os.close(task_w)
        os.close(done_r)
        while os.read(task_r, 1):
            time.sleep(seconds)
            os.write(done_w, b"d")

    def start_pool() -> None:
        for _ in range(params.workers):
            pid = os.fork()
            if pid == 0:
                _exit_after(work)
            pids.append(pid)

    def put_and_join(_pool) -> None:
        bound = 2 * params.workers  # at most 4000 bytes: always fits the 64 KiB pipe
        written = done = 0
        while done < params.tasks:
            room = min(params.tasks - written, bound - (written - done))
            if room > 0:
                written += os.write(task_w, b"t" * room)
            got = os.read(done_r, 65536)
            if not got:
                raise RuntimeError("every overhead worker exited before the tasks were done")
            done += len(got)

    fds = [task_r, task_w, done_r, done_w]
    try:
        def start_and_close_child_ends() -> None:
            start_pool()
            for fd in (task_r, done_w):
                os.close(fd)
                fds.remove(fd)
        timing, _ = seed_clock(start_and_close_child_ends, put_and_join)
    finally:
        for fd in fds:
            os.close(fd)  # the task pipe's EOF ends every worker
        for pid in pids:
            os.waitpid(pid, 0)
    return timing


def run_process_spawn(params) -> Timing:
    """A process per task, at most C alive: fork one that sleeps S ms and exits; once C are
    alive, reap one before the next fork. Elapsed until the last one is reaped."""
    seconds = params.sleep_ms / 1000.0
    started = time.monotonic()
    alive = set()
    try:
        for _ in range(params.tasks):
            if len(alive) >= params.workers:
                alive.discard(os.waitpid(-1, 0)[0])
            pid = os.fork()
            if pid == 0:
                _exit_after(lambda: time.sleep(seconds))
            alive.add(pid)
    finally:
        while alive:
            alive.discard(os.waitpid(-1, 0)[0])
    return Timing(time.monotonic() - started)
