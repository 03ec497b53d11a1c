"""Starting and stopping a Twisted row: config, metrics, the shared Agent, both listeners, and
the graceful SIGTERM (stop accepting, let in-flight work finish within a bound, exit 0)."""
import sys
import time

import twisted
from twisted.internet import defer, protocol, reactor, task
from twisted.logger import (FileLogObserver, FilteringLogObserver, LogLevel, LogLevelFilterPredicate,
                            formatEventAsClassicLogText, globalLogBeginner)

from labcommon.config import read_config_or_exit
from labcommon.metrics import LabMetrics, python_runtime

from .http import make_site, MetricsResource, TextResource
from .overhead import OverheadResource
from .pending import PendingDeferreds
from .upstream import make_agent

# In-flight work gets this long after SIGTERM (on top of nothing: the upstream timeout already
# bounds every fetch, this bounds the wait when the timeout is configured very long).
MAX_DRAIN_S = 10.0


class TwistedService(object):
    """Everything a row's handlers need: cfg, metrics, agent, reactor, pending."""

    def __init__(self, impl, model):
        self.impl = impl
        self.cfg = read_config_or_exit(impl)
        self.reactor = reactor
        self.metrics = LabMetrics(impl=impl, model=model, runtime=python_runtime("Twisted %s" % twisted.__version__),
                                  unit="deferreds")
        self.pending = PendingDeferreds()
        self.metrics.set_units_function(self.pending)
        self.agent, self.pool = make_agent(reactor)
        self._ports = []

    def inflight(self):
        m = self.metrics
        return sum(m.sample("lab_inflight_requests", {"protocol": p}) or 0 for p in ("http", "line"))

    def serve(self, echo_resource, line_protocol_class, overhead_workers, track_overhead_worker):
        """Listens on both ports, runs the reactor until SIGTERM/SIGINT, returns the exit code.
        overhead_workers: an overhead.OverheadWorkers(pool, spawn) in the row's style;
        track_overhead_worker: the units gauge's track(d), given each experiment worker's Deferred."""
        _log_warnings_to_stderr()
        routes = {
            b"/echo": echo_resource,
            b"/healthz": TextResource(200, "ok"),
            b"/metrics": MetricsResource(self.metrics),
            b"/overhead": OverheadResource(overhead_workers, track_overhead_worker),
        }
        site = make_site(routes, self.metrics)
        line_factory = protocol.ServerFactory.forProtocol(line_protocol_class)
        line_protocol_class.metrics = self.metrics
        cfg = self.cfg
        try:
            self._ports.append(reactor.listenTCP(cfg.port, site, backlog=1024, interface=cfg.bind))
            self._ports.append(reactor.listenTCP(cfg.line_port, line_factory, backlog=1024, interface=cfg.bind))
        except Exception as err:  # CannotListenError: say which port and why, exit 1
            sys.stderr.write("%s: cannot listen: %s\n" % (self.impl, err))
            return 1
        http_port, line_port = (p.getHost().port for p in self._ports)
        # One parseable line (stderr, like every Python row): with PORT=0 the tests read the
        # OS-chosen ports from it.
        sys.stderr.write("%s: listening http=%d line=%d bind=%s upstream=%s\n"
                         % (self.impl, http_port, line_port, cfg.bind, cfg.upstream_url))
        sys.stderr.flush()
        reactor.addSystemEventTrigger("before", "shutdown", self._drain)
        reactor.run()  # installs SIGTERM/SIGINT handlers that call reactor.stop()
        return 0

    @defer.inlineCallbacks
    def _drain(self):
        # Written with yield for brevity: this is plumbing, not a row's handler.
        yield defer.gatherResults([defer.maybeDeferred(p.stopListening) for p in self._ports])
        bound = min(self.cfg.upstream_timeout_s + 0.5, MAX_DRAIN_S)
        deadline = time.monotonic() + bound
        while self.inflight() > 0 and time.monotonic() < deadline:
            yield task.deferLater(reactor, 0.05, lambda: None)
        yield self.pool.closeCachedConnections()


def _log_warnings_to_stderr():
    """Unhandled errors in Deferreds and handler bugs reach stderr; info chatter does not."""
    predicate = LogLevelFilterPredicate(defaultLogLevel=LogLevel.warn)
    observer = FilteringLogObserver(FileLogObserver(sys.stderr, formatEventAsClassicLogText), [predicate])
    globalLogBeginner.beginLoggingTo([observer], redirectStandardIO=False)
