"""python-asyncio's /overhead methods, in asyncio tasks on the running loop. Importing this
module starts nothing: labtesting/standalone_overhead.py runs the same coroutines outside the
server."""
import asyncio
import time

from labcommon.overhead import Timing

async def run_overhead(params) -> Timing:
    """The timing of N tasks of S ms on C asyncio tasks, by params.mode."""
    if params.mode == "pool":
        return await run_task_pool(params)
    return await run_task_spawn(params)


async def run_task_pool(params) -> Timing:
    """The original experiment: C long-lived tasks loop on an asyncio.Queue(C). As
    concurrency_test.py starts its pool before its clock, the workers are created and given one
    turn of the loop (each runs up to its get()) first, timed as setup; then the clock runs
    while the caller awaits put() for N tasks (suspended while the queue is full) and joins the
    queue. Then the workers are cancelled (they wait in get())."""
    seconds = params.sleep_ms / 1000.0
    tasks = asyncio.Queue(params.workers)

    async def worker():
        while True:
            await tasks.get()
            await asyncio.sleep(seconds)
            tasks.task_done()

    t0 = time.monotonic()
    workers = [asyncio.ensure_future(worker()) for _ in range(params.workers)]
    try:
        await asyncio.sleep(0)  # one turn: every new task runs up to its get()
        started = time.monotonic()
        for i in range(params.tasks):
            await tasks.put(i)
        await tasks.join()
        return Timing(time.monotonic() - started, started - t0)
    finally:
        for w in workers:
            w.cancel()
        await asyncio.gather(*workers, return_exceptions=True)


async def run_task_spawn(params) -> Timing:
    """A task per task, at most C alive: an asyncio.Semaphore(C) taken before each
    create_task and released when that task ends; elapsed until the last one ends."""
    seconds = params.sleep_ms / 1000.0
    slots = asyncio.Semaphore(params.workers)
    alive = set()

    async def one():
        try:
            await asyncio.sleep(seconds)
        finally:
            slots.release()

    started = time.monotonic()
    for _ in range(params.tasks):
        await slots.acquire()
        t = asyncio.ensure_future(one())
        alive.add(t)
        t.add_done_callback(alive.discard)
    await asyncio.gather(*alive)
    return Timing(time.monotonic() - started)
