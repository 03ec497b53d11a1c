"""GET /overhead in Deferreds: C workers share one iterator of N tasks; each task is a
deferLater of S ms. The worker itself comes from the row (callbacks or yield)."""
import json
import time

from twisted.internet import defer
from twisted.python.failure import Failure
from twisted.web import server

from labcommon.overhead import BUSY_REASON, ExperimentGuard, overhead_result
from labcommon.validation import parse_overhead_query
from labcommon.httpwire import JSON, text_body

from .http import GetResource, query_of, write_response


class OverheadResource(GetResource):
    """worker(tasks_iterator, sleep_s) -> Deferred that fires when the iterator is exhausted."""

    def __init__(self, worker):
        GetResource.__init__(self)
        self.worker = worker
        self.guard = ExperimentGuard()

    def render_GET(self, request):
        params, reason = parse_overhead_query(query_of(request))
        if reason:
            write_response(request, 400, text_body(reason))
            return server.NOT_DONE_YET
        if not self.guard.try_start():
            write_response(request, 409, text_body(BUSY_REASON))
            return server.NOT_DONE_YET
        started = time.monotonic()
        tasks = iter(range(params.tasks))
        workers = [self.worker(tasks, params.sleep_ms / 1000.0) for _ in range(params.workers)]
        d = defer.gatherResults(workers, consumeErrors=True)

        def done(result):
            self.guard.finish()
            if request._disconnected:
                return None
            if isinstance(result, Failure):
                write_response(request, 500, text_body("experiment failed: %s" % result.getErrorMessage()))
                return None
            body = (json.dumps(overhead_result(params, time.monotonic() - started)) + "\n").encode("utf-8")
            write_response(request, 200, body, JSON)

        d.addBoth(done)
        return server.NOT_DONE_YET
