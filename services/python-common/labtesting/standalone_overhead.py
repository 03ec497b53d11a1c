"""The /overhead methods of every Python row, run OUTSIDE any server: the witness the bench
overhead-fidelity compares each row's /overhead with. It imports the very functions the row's
server calls (from the row's own folder) and runs them in a bare process: no listening socket,
no metrics, no guard, no other connections.

  /usr/bin/python3 services/python-common/labtesting/standalone_overhead.py \\
      --unit threads|greenlets|gevent-monkey|asyncio|twisted-callbacks|twisted-inline|processes \\
      --mode pool|spawn --workers C --tasks N --sleep-ms S [--warmup]

(a row's folder name works as --unit too). Prints the same JSON as GET /overhead plus "unit"
and "where": "standalone"; exits 2 on bad arguments."""
import argparse
import json
import os
import sys

SERVICES = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

WARMUP_RUNS = 3

# unit -> (row folder, extra folders on sys.path)
UNITS = {
    "threads": ("python-threads", ()),
    "gevent-monkey": ("python-threads", ()),
    "greenlets": ("gevent-explicit", ()),
    "asyncio": ("python-asyncio", ()),
    "twisted-callbacks": ("twisted-callbacks", ("twisted-common",)),
    "twisted-inline": ("twisted-inline", ("twisted-common",)),
    "processes": ("python-processes", ()),
}
ROW_UNITS = {"python-threads": "threads", "gevent-monkey": "gevent-monkey", "gevent-explicit": "greenlets",
             "python-asyncio": "asyncio", "twisted-callbacks": "twisted-callbacks",
             "twisted-inline": "twisted-inline", "python-processes": "processes"}


def parse_args(argv):
    p = argparse.ArgumentParser(description="a row's /overhead method outside any server")
    p.add_argument("--unit", required=True, choices=sorted(UNITS) + sorted(ROW_UNITS))
    p.add_argument("--mode", default="pool")
    p.add_argument("--workers", required=True)
    p.add_argument("--tasks", required=True)
    p.add_argument("--sleep-ms", required=True)
    p.add_argument("--warmup", action="store_true",
                   help="three unmeasured runs first, of min(N, max(10C, 50)) tasks each: a server that has "
                        "served requests is warm (allocator, caches, JIT in Node), a fresh process is not")
    return p.parse_args(argv)


def run_all(unit, runs):
    """Elapsed seconds of each params in `runs`, one after another in this process."""
    if unit.startswith("twisted-"):
        return run_twisted(unit, runs)  # a reactor runs once per process: all runs inside it
    return [run(unit, params) for params in runs]


def run(unit, params):
    if unit in ("threads", "gevent-monkey"):
        import threadecho
        return threadecho.run_overhead(params)
    if unit == "greenlets":
        import gevent_overhead
        return gevent_overhead.run_overhead(params)
    if unit == "asyncio":
        import asyncio
        import asyncio_overhead
        return asyncio.run(asyncio_overhead.run_overhead(params))
    if unit == "processes":
        import forkecho
        return forkecho.run_overhead(params)
    raise ValueError(unit)


def run_twisted(unit, runs):
    from twisted.internet import reactor
    from labtwisted.overhead import run_overhead
    if unit == "twisted-callbacks":
        import callbacks_overhead as row
    else:
        import inline_overhead as row
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
    unit = ROW_UNITS.get(args.unit, args.unit)
    if unit == "gevent-monkey":
        from gevent import monkey  # first, as gevent-monkey's service.py does
        monkey.patch_all()
    row, extra = UNITS[unit]
    for folder in (row, *extra, "python-common"):
        sys.path.insert(0, os.path.join(SERVICES, folder))
    from labcommon.overhead import overhead_result
    from labcommon.validation import parse_overhead_query
    params, reason = parse_overhead_query({"workers": [args.workers], "tasks": [args.tasks],
                                           "sleep_ms": [args.sleep_ms], "mode": [args.mode]})
    if reason:
        sys.stderr.write("standalone_overhead: %s\n" % reason)
        return 2
    runs = [params]
    if args.warmup:
        import dataclasses
        runs[:0] = [dataclasses.replace(params, tasks=min(params.tasks, max(10 * params.workers, 50)))] * WARMUP_RUNS
    answer = overhead_result(params, run_all(unit, runs)[-1])
    answer.update(unit=unit, where="standalone")
    sys.stdout.write(json.dumps(answer) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
