"""The /overhead methods of the Python rows, run OUTSIDE any server: the witness the bench
overhead-fidelity compares each row's /overhead with. It imports the very functions the row's
server calls and runs them in a bare process: no listening socket, no metrics, no guard, no
other connections.

Which unit a row's witness is, and where its code lives, is the row's manifest's business
(services/<row>/service.json "overheadWitness": this script plus "--unit U" in its args); the
script only maps a unit name to the code that runs it. It runs in the row's environment, as the
bench and the tests start it: cwd the row folder, PYTHONPATH = the row folder + the manifest's
local.pythonPath, e.g. for python-threads

  cd services/python-threads && PYTHONPATH=.:../python-common /usr/bin/python3 \\
      ../python-common/labtesting/standalone_overhead.py --unit threads \\
      --mode pool|spawn --workers C --tasks N --sleep-ms S [--warmup]

Units: threads, gevent-monkey, greenlets, asyncio [--loop asyncio|uvloop], twisted-callbacks,
twisted-inline, processes. Prints the same JSON as GET /overhead plus "unit" (and "loop" for
asyncio) and "where": "standalone"; exits 2 on bad arguments or a unit whose code is not on
PYTHONPATH."""
import argparse
import json
import sys

WARMUP_RUNS = 3

# unit -> the row module that holds its /overhead method (found on PYTHONPATH, see above).
UNIT_MODULES = {
    "threads": "threadecho",
    "gevent-monkey": "threadecho",  # python-threads' code, after monkey.patch_all()
    "greenlets": "gevent_overhead",
    "asyncio": "asyncio_overhead",
    "twisted-callbacks": "callbacks_overhead",
    "twisted-inline": "inline_overhead",
    "processes": "forkecho",
}
LOOPS = ("asyncio", "uvloop")


def parse_args(argv):
    p = argparse.ArgumentParser(description="a row's /overhead method outside any server")
    p.add_argument("--unit", required=True, choices=sorted(UNIT_MODULES))
    p.add_argument("--loop", choices=LOOPS,
                   help="asyncio only: the event loop the coroutines run on (default asyncio's own; "
                        "uvloop = python-uvloop's loop_factory, uvloop.new_event_loop)")
    p.add_argument("--mode", default="pool")
    p.add_argument("--workers", required=True)
    p.add_argument("--tasks", required=True)
    p.add_argument("--sleep-ms", required=True)
    p.add_argument("--warmup", action="store_true",
                   help="three unmeasured runs first, of min(N, max(10C, 50)) tasks each: a server that has "
                        "served requests is warm (allocator, caches, JIT in Node), a fresh process is not")
    args = p.parse_args(argv)
    if args.loop and args.unit != "asyncio":
        p.error("--loop is for --unit asyncio only, got --unit %s" % args.unit)
    return args


def run_all(unit, loop, runs):
    """Elapsed seconds of each params in `runs`, one after another in this process."""
    if unit.startswith("twisted-"):
        return run_twisted(unit, runs)  # a reactor runs once per process: all runs inside it
    if unit == "asyncio":
        return run_asyncio(loop, runs)
    row = __import__(UNIT_MODULES[unit])
    return [row.run_overhead(params) for params in runs]


def run_asyncio(loop, runs):
    """All runs on one loop, as the server's requests share its one loop."""
    import asyncio
    import asyncio_overhead
    loop_factory = None
    if loop == "uvloop":
        import uvloop
        loop_factory = uvloop.new_event_loop
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        return [runner.run(asyncio_overhead.run_overhead(params)) for params in runs]


def run_twisted(unit, runs):
    from twisted.internet import reactor
    from labtwisted.overhead import run_overhead
    row = __import__(UNIT_MODULES[unit])
    workers = row.make_workers(reactor)
    results = []

    def next_run(_=None):
        if len(results) == len(runs):
            reactor.stop()
            return
        run_overhead(workers, runs[len(results)]).addCallback(results.append).addCallbacks(next_run, failed)

    def failed(failure):
        results.append(failure)
        reactor.stop()

    reactor.callWhenRunning(next_run)
    reactor.run(installSignalHandlers=False)
    for r in results:
        if not isinstance(r, float):
            r.raiseException()
    return results


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    unit = args.unit
    if unit == "gevent-monkey":
        from gevent import monkey  # first, as gevent-monkey's service.py does
        monkey.patch_all()
    try:
        __import__(UNIT_MODULES[unit])
        from labcommon.overhead import overhead_result
        from labcommon.validation import parse_overhead_query
    except ImportError as e:
        sys.stderr.write("standalone_overhead: --unit %s: %s; run it in the row's environment (cwd services/<row>, "
                         "PYTHONPATH = the row folder + its manifest's local.pythonPath), as its overheadWitness "
                         "says\n" % (unit, e))
        return 2
    params, reason = parse_overhead_query({"workers": [args.workers], "tasks": [args.tasks],
                                           "sleep_ms": [args.sleep_ms], "mode": [args.mode]})
    if reason:
        sys.stderr.write("standalone_overhead: %s\n" % reason)
        return 2
    runs = [params]
    if args.warmup:
        import dataclasses
        runs[:0] = [dataclasses.replace(params, tasks=min(params.tasks, max(10 * params.workers, 50)))] * WARMUP_RUNS
    answer = overhead_result(params, run_all(unit, args.loop, runs)[-1])
    answer.update(unit=unit, where="standalone")
    if unit == "asyncio":
        answer.update(loop=args.loop or "asyncio")
    sys.stdout.write(json.dumps(answer) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
