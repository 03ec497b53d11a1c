"""The /overhead methods of the Python rows, run OUTSIDE any server: the witness the bench
overhead-fidelity compares each row's /overhead with. It imports the very functions the row's
server calls and runs them in a bare process: no listening socket, no metrics, no guard, no
other connections.

It names no row: each row's manifest (services/<row>/service.json "overheadWitness") runs this
script with "--module M", the module of the row that holds its /overhead method (plus
"--gevent-patch" or "--loop uvloop" where the row runs so). How the module is run follows from
what it offers: make_workers(reactor) is a Twisted row (the runs share one reactor), an async
run_overhead an asyncio row (the runs share one loop), a plain run_overhead is called as is.
Run it as the bench does (cwd the row folder, PYTHONPATH = the row folder + the manifest's
local.pythonPath), or let it read the manifest with --row:

  /usr/bin/python3 services/labtesting/labtesting/standalone_overhead.py --row python-threads \\
      --mode pool|spawn --workers C --tasks N --sleep-ms S [--warmup]

Prints the same JSON as GET /overhead plus "module" (and "loop" for asyncio) and "where":
"standalone"; exits 2 on bad arguments or a module that is not on the path."""
import argparse
import asyncio
import dataclasses
import json
import os
import sys

WARMUP_RUNS = 3
LOOPS = ("asyncio", "uvloop")
SERVICES = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def parse_args(argv):
    p = argparse.ArgumentParser(description="a row's /overhead method outside any server")
    p.add_argument("--row", help="read --module and the rest from services/ROW/service.json's overheadWitness")
    p.add_argument("--module", help="the row's module that holds its /overhead method")
    p.add_argument("--gevent-patch", action="store_true", help="monkey.patch_all() before importing the module")
    p.add_argument("--loop", choices=LOOPS,
                   help="asyncio rows only: the event loop the coroutines run on (default asyncio's own; "
                        "uvloop = python-uvloop's loop_factory, uvloop.new_event_loop)")
    p.add_argument("--mode", default="pool")
    p.add_argument("--workers", required=True)
    p.add_argument("--tasks", required=True)
    p.add_argument("--sleep-ms", required=True)
    p.add_argument("--warmup", action="store_true",
                   help="three unmeasured runs first, of min(N, max(10C, 50)) tasks each: a server that has "
                        "served requests is warm (allocator, caches, JIT in Node), a fresh process is not")
    args = p.parse_args(argv)
    if args.row:
        args = p.parse_args(row_arguments(p, args.row) + list(argv))
    if not args.module:
        p.error("--module or --row is required")
    return args


def row_arguments(parser, row):
    """The manifest's witness arguments after this script's path; puts the row's folders on sys.path."""
    path = os.path.join(SERVICES, row, "service.json")
    try:
        with open(path) as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        parser.error("--row %s: cannot read %s: %s" % (row, path, e))
    witness = manifest.get("overheadWitness") or {}
    if witness.get("interpreter") != "python":
        parser.error("--row %s: its manifest declares no Python overheadWitness" % row)
    folder = os.path.dirname(path)
    sys.path[:0] = [folder] + [os.path.normpath(os.path.join(folder, p)) for p in manifest["local"].get("pythonPath", [])]
    return [a for a in witness["args"][1:] if a != "--row"]


def run_all(row, loop, runs):
    """The Timing of each params in `runs`, one after another in this process."""
    if hasattr(row, "make_workers"):
        return run_twisted(row, runs)  # a reactor runs once per process: all runs inside it
    if asyncio.iscoroutinefunction(row.run_overhead):
        return run_asyncio(row, loop, runs)
    return [row.run_overhead(params) for params in runs]


def run_asyncio(row, loop, runs):
    """All runs on one loop, as the server's requests share its one loop."""
    loop_factory = None
    if loop == "uvloop":
        import uvloop
        loop_factory = uvloop.new_event_loop
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        return [runner.run(row.run_overhead(params)) for params in runs]


def run_twisted(row, runs):
    from twisted.internet import reactor
    from twisted.python.failure import Failure
    from labtwisted.overhead import run_overhead
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
        if isinstance(r, Failure):
            r.raiseException()
    return results


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.gevent_patch:
        from gevent import monkey  # first, as gevent-monkey's service.py does
        monkey.patch_all()
    try:
        row = __import__(args.module)
        from labcommon.overhead import overhead_result
        from labcommon.validation import parse_overhead_query
    except ImportError as e:
        sys.stderr.write("standalone_overhead: --module %s: %s; run it in the row's environment (cwd services/<row>, "
                         "PYTHONPATH = the row folder + its manifest's local.pythonPath), as its overheadWitness "
                         "says, or with --row <row>\n" % (args.module, e))
        return 2
    is_async = not hasattr(row, "make_workers") and asyncio.iscoroutinefunction(getattr(row, "run_overhead", None))
    if args.loop and not is_async:
        sys.stderr.write("standalone_overhead: --loop is for asyncio rows only, and %s is not one\n" % args.module)
        return 2
    params, reason = parse_overhead_query({"workers": [args.workers], "tasks": [args.tasks],
                                           "sleep_ms": [args.sleep_ms], "mode": [args.mode]})
    if reason:
        sys.stderr.write("standalone_overhead: %s\n" % reason)
        return 2
    runs = [params]
    if args.warmup:
        runs[:0] = [dataclasses.replace(params, tasks=min(params.tasks, max(10 * params.workers, 50)))] * WARMUP_RUNS
    answer = overhead_result(params, run_all(row, args.loop, runs)[-1])
    answer.update(module=args.module, where="standalone")
    if is_async:
        answer.update(loop=args.loop or "asyncio")
    sys.stdout.write(json.dumps(answer) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
