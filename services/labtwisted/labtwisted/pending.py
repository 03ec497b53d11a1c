"""lab_concurrency_units{unit="deferreds"}: Deferreds the row is waiting on right now (upstream
fetches and /overhead workers), the reactor's equivalent of a blocked thread."""


class PendingDeferreds(object):
    def __init__(self):
        self.count = 0

    def track(self, d):
        """Counts d until it fires (or is cancelled); returns d for chaining."""
        self.count += 1

        def untrack(result):
            self.count -= 1
            return result

        return d.addBoth(untrack)

    def __call__(self):
        return float(self.count)
