"""twisted-inline's /overhead workers, as @inlineCallbacks generators (see labtwisted/overhead.py
for the caller side). Importing this module starts nothing: labtesting/standalone_overhead.py
runs the same workers outside the server. The units gauge counts each worker's Deferred once
(labtwisted.overhead), not every timer: 10,000 extra callbacks cost ~10% at C=1000."""
from twisted.internet import defer, task


def make_workers(reactor):
    from labtwisted.overhead import OverheadWorkers

    @defer.inlineCallbacks
    def pool_worker(queue, sleep_s):
        """One long-lived worker: take a task from the bounded queue, sleep S ms, mark it done;
        a None from the queue ends it."""
        while True:
            item = yield queue.get()
            if item is None:
                return
            yield task.deferLater(reactor, sleep_s, lambda: None)
            queue.task_done()

    @defer.inlineCallbacks
    def spawn_worker(tasks, sleep_s):
        """Takes the next task each time its timer fires, until the shared iterator is empty."""
        for _ in tasks:
            yield task.deferLater(reactor, sleep_s, lambda: None)

    return OverheadWorkers(pool_worker, spawn_worker)
