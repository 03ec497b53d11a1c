"""GET /overhead in Deferreds. What every Twisted row shares: the caller side of both methods
(the bounded queue, putting N tasks, joining, stopping the workers) and the resource. The
workers themselves come from the row, in its style (addCallback chains or @inlineCallbacks):
`OverheadWorkers(pool, spawn)`, where
  pool(queue, sleep_s)  -> Deferred: loop "task = queue.get(); None ends; deferLater(S); queue.task_done()"
  spawn(tasks, sleep_s) -> Deferred: take the next task from a shared iterator, a new deferLater each,
                          until the iterator is empty (at most C such chains alive).
labtesting/standalone_overhead.py runs the same functions outside the server."""
import json
import time
from collections import namedtuple

from twisted.internet import defer
from twisted.python.failure import Failure
from twisted.web import server

from labcommon.overhead import BUSY_REASON, ExperimentGuard, Timing, overhead_result
from labcommon.validation import parse_overhead_query
from labcommon.httpwire import JSON, text_body

from .http import GetResource, query_of, write_response

OverheadWorkers = namedtuple("OverheadWorkers", "pool spawn")


class TaskQueue(object):
    """A DeferredQueue(size=C, backlog=C) plus what concurrency_test.py's Queue(C) has and
    DeferredQueue lacks: put() waits (a Deferred) while C tasks are queued, and join() fires
    once every task put has been marked task_done()."""

    def __init__(self, size):
        self.queue = defer.DeferredQueue(size=size, backlog=size)
        self.size = size
        self._room = None  # the Deferred a waiting put() is parked on
        self._unfinished = 0
        self._joined = None

    def put(self, item):
        if len(self.queue.pending) >= self.size:
            self._room = defer.Deferred()
            return self._room.addCallback(lambda _: self.put(item))
        self._unfinished += 1
        self.queue.put(item)
        return defer.succeed(None)

    def get(self):
        d = self.queue.get()
        if self._room is not None and len(self.queue.pending) < self.size:
            room, self._room = self._room, None
            room.callback(None)
        return d

    def task_done(self):
        self._unfinished -= 1
        if self._unfinished == 0 and self._joined is not None:
            joined, self._joined = self._joined, None
            joined.callback(None)

    def join(self):
        if self._unfinished == 0:
            return defer.succeed(None)
        self._joined = defer.Deferred()
        return self._joined


def run_overhead(workers, params, track=lambda d: d):
    """Deferred -> the Timing of N tasks of S ms on C workers, by params.mode.
    track(d) -> d: the server's units gauge, given each worker's Deferred (C, not N, updates).
    Pool mode starts the C workers first (each runs up to its queue.get() at once), timed as
    setup; the clock starts after, as concurrency_test.py's does."""
    sleep_s = params.sleep_ms / 1000.0
    t0 = time.monotonic()
    if params.mode == "spawn":
        tasks = iter(range(params.tasks))
        d = defer.gatherResults([track(workers.spawn(tasks, sleep_s)) for _ in range(params.workers)], consumeErrors=True)
        return d.addCallback(lambda _: Timing(time.monotonic() - t0))
    queue = TaskQueue(params.workers)
    running = [track(workers.pool(queue, sleep_s)) for _ in range(params.workers)]
    started = time.monotonic()
    all_stopped = defer.gatherResults(running, consumeErrors=True)
    finished = defer.Deferred()

    def feed(i):
        # An iterative loop that parks on put() only when the queue is full.
        while i < params.tasks:
            put = queue.put(i)
            i += 1
            if not put.called:
                put.addCallback(lambda _, nxt=i: feed(nxt))
                return
        queue.join().addCallback(joined)

    def joined(_):
        elapsed = Timing(time.monotonic() - started, started - t0)
        for _ in running:
            queue.put(None)  # every worker waits in get(): each None goes straight to one
        all_stopped.addCallback(lambda _: finished.callback(elapsed) if not finished.called else None)

    def failed(failure):
        if not finished.called:
            finished.errback(failure)

    all_stopped.addErrback(failed)
    feed(0)
    return finished


class OverheadResource(GetResource):
    def __init__(self, workers, track):
        GetResource.__init__(self)
        self.workers, self.track = workers, track
        self.guard = ExperimentGuard()

    def render_GET(self, request):
        params, reason = parse_overhead_query(query_of(request))
        if reason:
            write_response(request, 400, text_body(reason))
            return server.NOT_DONE_YET
        if not self.guard.try_start():
            write_response(request, 409, text_body(BUSY_REASON))
            return server.NOT_DONE_YET
        d = run_overhead(self.workers, params, self.track)

        def done(result):
            self.guard.finish()
            if request._disconnected:
                return None
            if isinstance(result, Failure):
                write_response(request, 500, text_body("experiment failed: %s" % result.getErrorMessage()))
                return None
            body = (json.dumps(overhead_result(params, result)) + "\n").encode("utf-8")
            write_response(request, 200, body, JSON)

        d.addBoth(done)
        return server.NOT_DONE_YET
