"""twisted-callbacks' /overhead workers, in addCallback style (see labtwisted/overhead.py for
the caller side). Importing this module starts nothing: labtesting/standalone_overhead.py runs
the same workers outside the server. The units gauge counts each worker's Deferred once
(labtwisted.overhead), not every timer: 10,000 extra callbacks cost ~10% at C=1000."""
from twisted.internet import defer, task


def make_workers(reactor):
    from labtwisted.overhead import OverheadWorkers

    def pool_worker(queue, sleep_s):
        """One long-lived worker: take a task from the bounded queue, a timer of S ms, mark it
        done, take the next; a None from the queue ends it."""
        finished = defer.Deferred()

        def take(_=None):
            queue.get().addCallback(run)

        def run(item):
            if item is None:
                finished.callback(None)
                return
            task.deferLater(reactor, sleep_s, lambda: None).addCallback(done)

        def done(_):
            queue.task_done()
            take()

        take()
        return finished

    def spawn_worker(tasks, sleep_s):
        """Takes the next task when the previous timer fires, until the shared iterator is empty."""
        finished = defer.Deferred()

        def next_task(_=None):
            if next(tasks, None) is None:
                finished.callback(None)
                return
            task.deferLater(reactor, sleep_s, lambda: None).addCallback(next_task)

        next_task()
        return finished

    return OverheadWorkers(pool_worker, spawn_worker)
