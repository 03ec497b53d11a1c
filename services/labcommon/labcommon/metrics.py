"""The metric vocabulary of contract/contract.json on a dedicated prometheus_client registry
(0.16: no default labels, so impl is a label of every metric). Names, help and labels come from
the contract (`_family` / `_metric`). prometheus_client's own process/platform/gc
collectors are NOT registered: the tree collector below exports process_* summed over the
service's processes under the same names."""
import os
import platform
import sys
from typing import Callable, Dict, Iterable, Optional

# The *_created series double the scrape and nothing reads them. prometheus_client 0.16 reads
# this once at its first import, so it only takes effect when labcommon imports it first.
os.environ.setdefault("PROMETHEUS_DISABLE_CREATED_SERIES", "True")

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from .contract import CONTRACT, label_values, metric_spec
from .procstats import TreeStats

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

PROTOCOLS = tuple(label_values("protocol"))
OUTCOMES = tuple(o["name"] for o in CONTRACT["outcomes"])
UNITS = tuple(label_values("unit"))
_IMPL = CONTRACT["metrics"]["label_on_every_series"]
_KINDS = {"counter": Counter, "gauge": Gauge, "histogram": Histogram}
_FAMILIES = {"counter": CounterMetricFamily, "gauge": GaugeMetricFamily}

# 1 ms .. 60 s, fine between 50 and 200 ms where the upstream's default delay puts most requests.
DURATION_BUCKETS = (
    0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.04, 0.05, 0.055, 0.06, 0.07, 0.08, 0.09, 0.1,
    0.125, 0.15, 0.175, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0,
)


def _metric(name: str, registry: CollectorRegistry, **kwargs):
    """A prometheus_client metric defined by the contract, labelled impl first."""
    spec = metric_spec(name)
    return _KINDS[spec["type"]](name, spec["help"], [_IMPL, *spec["labels"]], registry=registry, **kwargs)


def _family(name: str, impl: str, values: Iterable):
    """A collector's family for a contract metric; values: (label values after impl, value)."""
    spec = metric_spec(name)
    family = _FAMILIES[spec["type"]](name, spec["help"], labels=[_IMPL, *spec["labels"]])
    for labels, value in values:
        family.add_metric([impl, *labels], value)
    return family


def python_runtime(extra: Optional[str] = None) -> str:
    """e.g. 'CPython 3.11.2' or 'CPython 3.11.2 + gevent 22.10.2'."""
    base = f"{platform.python_implementation()} {platform.python_version()}"
    return f"{base} + {extra}" if extra else base


class ProcessTreeCollector:
    """lab_os_threads, lab_context_switches_total, process_cpu_seconds_total and
    process_resident_memory_bytes, each summed over root_pid and its descendants."""

    def __init__(self, impl: str, root_pid: Optional[int] = None):
        self.impl = impl
        self.tree = TreeStats(root_pid=root_pid or os.getpid())

    def collect(self) -> Iterable:
        s = self.tree.snapshot()
        return [
            _family("lab_os_threads", self.impl, [((), s.threads)]),
            _family("lab_context_switches_total", self.impl, [(("voluntary",), s.voluntary), (("involuntary",), s.involuntary)]),
            _family("process_cpu_seconds_total", self.impl, [((), s.cpu_seconds)]),
            _family("process_resident_memory_bytes", self.impl, [((), s.rss_bytes)]),
        ]


class LabMetrics:
    """One per service process that serves /metrics. Every method is thread-safe (and
    greenlet-safe: prometheus_client uses threading.Lock, which gevent patches)."""

    def __init__(self, impl: str, model: str, runtime: str, unit: str,
                 language: str = "python", root_pid: Optional[int] = None):
        if unit not in UNITS:
            raise ValueError(f"unit must be one of {UNITS}, got {unit!r}")
        self.impl = impl
        self.unit = unit
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.info = _metric("lab_info", r)
        self.info.labels(impl, model, language, runtime).set(1)
        self.requests = _metric("lab_requests_total", r)
        self.duration = _metric("lab_request_duration_seconds", r, buckets=DURATION_BUCKETS)
        self.upstream = _metric("lab_upstream_duration_seconds", r, buckets=DURATION_BUCKETS)
        self.inflight = _metric("lab_inflight_requests", r)
        self.connections = _metric("lab_open_connections", r)
        self.units = _metric("lab_concurrency_units", r)
        # Series exist (at 0) before the first request, so dashboards and verify see them.
        for p in PROTOCOLS:
            for o in OUTCOMES:
                self.requests.labels(impl, p, o)
            self.duration.labels(impl, p)
            self.inflight.labels(impl, p)
            self.connections.labels(impl, p)
        self.upstream.labels(impl)
        self.units.labels(impl, unit)
        # The hot path records through children resolved once: .labels() takes the metric's
        # own lock on every call, and a scrape holds that lock while it copies the children,
        # so with a thousand request threads one scrape preempted inside it (GIL switch)
        # queued them all behind it. Measured on python-threads at 1,000 connections: the
        # 500 ms scrape alone cost ~14% of throughput before this.
        self._requests = {(p, o): self.requests.labels(impl, p, o) for p in PROTOCOLS for o in OUTCOMES}
        self._duration = {p: self.duration.labels(impl, p) for p in PROTOCOLS}
        self._upstream = self.upstream.labels(impl)
        self._inflight = {p: self.inflight.labels(impl, p) for p in PROTOCOLS}
        self._connections = {p: self.connections.labels(impl, p) for p in PROTOCOLS}
        self.tree = ProcessTreeCollector(impl, root_pid)
        r.register(self.tree)

    # --- recording -------------------------------------------------------------------
    def request_done(self, protocol: str, outcome: str, seconds: float) -> None:
        self._request_child(protocol, outcome).inc()
        self._duration_child(protocol).observe(seconds)

    def count_request(self, protocol: str, outcome: str, n: float = 1) -> None:
        """Counts without a duration (e.g. aggregated from child processes)."""
        self._request_child(protocol, outcome).inc(n)

    def observe_duration(self, protocol: str, seconds: float) -> None:
        self._duration_child(protocol).observe(seconds)

    def _request_child(self, protocol: str, outcome: str):
        child = self._requests.get((protocol, outcome))
        return child if child is not None else self.requests.labels(self.impl, protocol, outcome)

    def _duration_child(self, protocol: str):
        child = self._duration.get(protocol)
        return child if child is not None else self.duration.labels(self.impl, protocol)

    def observe_upstream(self, seconds: float) -> None:
        self._upstream.observe(seconds)

    def inflight_add(self, protocol: str, delta: float) -> None:
        (self._inflight.get(protocol) or self.inflight.labels(self.impl, protocol)).inc(delta)

    def connections_add(self, protocol: str, delta: float) -> None:
        (self._connections.get(protocol) or self.connections.labels(self.impl, protocol)).inc(delta)

    def set_units(self, value: float) -> None:
        self.units.labels(self.impl, self.unit).set(value)

    def set_units_function(self, fn: Callable[[], float]) -> None:
        """fn is called at every scrape (e.g. threading.active_count)."""
        self.units.labels(self.impl, self.unit).set_function(fn)

    # --- reading ---------------------------------------------------------------------
    def render(self) -> bytes:
        return generate_latest(self.registry)

    def sample(self, name: str, labels: Dict[str, str]) -> Optional[float]:
        """One sample's value (tests, and the processes row's own checks)."""
        return self.registry.get_sample_value(name, {"impl": self.impl, **labels})


class InflightGuard:
    """`with InflightGuard(metrics, 'http'):` counts a request in flight and always uncounts it,
    even when the client vanished and the handler raised."""

    def __init__(self, metrics: LabMetrics, protocol: str):
        self.metrics, self.protocol = metrics, protocol

    def __enter__(self):
        self.metrics.inflight_add(self.protocol, 1)
        return self

    def __exit__(self, *exc):
        self.metrics.inflight_add(self.protocol, -1)
        return False


class ConnectionGuard(InflightGuard):
    def __enter__(self):
        self.metrics.connections_add(self.protocol, 1)
        return self

    def __exit__(self, *exc):
        self.metrics.connections_add(self.protocol, -1)
        return False
