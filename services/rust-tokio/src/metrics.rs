//! The contract's metric vocabulary on the row's own Prometheus registry (the prometheus crate
//! 0.13, Debian's librust-prometheus-dev). Names, help, types and labels come from
//! contract/contract.json; every series carries impl="rust-tokio" (the registry's constant
//! label). The /proc figures are read at each scrape (procstats.rs).
use crate::contract::Contract;
use prometheus::{Encoder, Gauge, GaugeVec, Histogram, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry, TextEncoder};
use std::collections::HashMap;
use std::sync::Mutex;

/// 1 ms .. 60 s, dense around the 50-200 ms upstream delays the scenarios use (ts-common's list).
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.06, 0.075, 0.1, 0.125, 0.15, 0.175, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0,
];

pub const UNIT: &str = "tasks";

pub struct LabMetrics {
    registry: Registry,
    pub requests: IntCounterVec,
    pub request_duration: HistogramVec,
    pub upstream_duration: Histogram,
    pub inflight: IntGaugeVec,
    pub open_connections: IntGaugeVec,
    units: IntGauge,
    os_threads: IntGauge,
    rss: Gauge,
    // Counters set from cumulative readings: the last value read, so each scrape adds the delta.
    cpu: prometheus::Counter,
    switches: prometheus::CounterVec,
    last: Mutex<(f64, u64, u64)>,
}

fn opts(c: &Contract, name: &str, kind: &str) -> (Opts, Vec<String>) {
    let spec = c.metric(name);
    assert_eq!(spec.kind, kind, "contract metric {name} is a {}, this row exports a {kind}", spec.kind);
    (Opts::new(spec.name.clone(), spec.help.clone()), spec.labels.clone())
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

impl LabMetrics {
    pub fn new(c: &Contract, info: (&str, &str, &str, &str)) -> Result<LabMetrics, prometheus::Error> {
        let (impl_name, model, language, runtime) = info;
        let registry = Registry::new_custom(None, Some(HashMap::from([(c.impl_label.clone(), impl_name.to_string())])))?;
        let (o, l) = opts(c, "lab_requests_total", "counter");
        let requests = IntCounterVec::new(o, &strs(&l))?;
        let (o, l) = opts(c, "lab_request_duration_seconds", "histogram");
        let request_duration = HistogramVec::new(HistogramOpts::from(o).buckets(LATENCY_BUCKETS.to_vec()), &strs(&l))?;
        let (o, _) = opts(c, "lab_upstream_duration_seconds", "histogram");
        let upstream_duration = Histogram::with_opts(HistogramOpts::from(o).buckets(LATENCY_BUCKETS.to_vec()))?;
        let (o, l) = opts(c, "lab_inflight_requests", "gauge");
        let inflight = IntGaugeVec::new(o, &strs(&l))?;
        let (o, l) = opts(c, "lab_open_connections", "gauge");
        let open_connections = IntGaugeVec::new(o, &strs(&l))?;
        let (o, l) = opts(c, "lab_info", "gauge");
        let lab_info = GaugeVec::new(o, &strs(&l))?;
        lab_info.with(&HashMap::from([("model", model), ("language", language), ("runtime", runtime)])).set(1.0);
        let (o, l) = opts(c, "lab_concurrency_units", "gauge");
        assert_eq!(l.len(), 1, "lab_concurrency_units: expected one label (unit) in the contract");
        let units = IntGauge::with_opts(o.const_label(l[0].clone(), UNIT))?;
        let (o, _) = opts(c, "lab_os_threads", "gauge");
        let os_threads = IntGauge::with_opts(o)?;
        let (o, _) = opts(c, "process_resident_memory_bytes", "gauge");
        let rss = Gauge::with_opts(o)?;
        let (o, _) = opts(c, "process_cpu_seconds_total", "counter");
        let cpu = prometheus::Counter::with_opts(o)?;
        let (o, l) = opts(c, "lab_context_switches_total", "counter");
        let switches = prometheus::CounterVec::new(o, &strs(&l))?;
        registry.register(Box::new(lab_info))?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(request_duration.clone()))?;
        registry.register(Box::new(upstream_duration.clone()))?;
        registry.register(Box::new(inflight.clone()))?;
        registry.register(Box::new(open_connections.clone()))?;
        registry.register(Box::new(units.clone()))?;
        registry.register(Box::new(os_threads.clone()))?;
        registry.register(Box::new(rss.clone()))?;
        registry.register(Box::new(cpu.clone()))?;
        registry.register(Box::new(switches.clone()))?;
        // Series exist at 0 before the first request, so that dashboards and rate() see them.
        for p in &c.protocols {
            for o in &c.outcomes {
                requests.with_label_values(&[p, o]);
            }
            request_duration.with_label_values(&[p]);
            inflight.with_label_values(&[p]);
            open_connections.with_label_values(&[p]);
        }
        for kind in ["voluntary", "involuntary"] {
            switches.with_label_values(&[kind]);
        }
        Ok(LabMetrics { registry, requests, request_duration, upstream_duration, inflight, open_connections, units, os_threads, rss, cpu, switches, last: Mutex::new((0.0, 0, 0)) })
    }

    /// One finished request (or line): its outcome and its duration.
    pub fn record_request(&self, protocol: &str, outcome: &str, seconds: f64) {
        self.requests.with_label_values(&[protocol, outcome]).inc();
        self.request_duration.with_label_values(&[protocol]).observe(seconds);
    }

    /// The text exposition, the /proc figures read now.
    pub fn scrape(&self) -> String {
        self.units.set(crate::tasks::live());
        let mut last = self.last.lock().unwrap();
        if let Some(s) = crate::procstats::read_self() {
            self.os_threads.set(s.threads);
            self.rss.set(s.rss_bytes);
            if s.cpu_seconds > last.0 {
                self.cpu.inc_by(s.cpu_seconds - last.0);
                last.0 = s.cpu_seconds;
            }
        }
        if let Some((vol, invol)) = crate::procstats::context_switches() {
            self.switches.with_label_values(&["voluntary"]).inc_by(vol.saturating_sub(last.1) as f64);
            self.switches.with_label_values(&["involuntary"]).inc_by(invol.saturating_sub(last.2) as f64);
            last.1 = last.1.max(vol);
            last.2 = last.2.max(invol);
        }
        drop(last);
        let mut out = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut out).expect("text encoding of gathered metrics");
        String::from_utf8(out).expect("the text exposition is UTF-8")
    }
}

/// RAII: one unit on a gauge of one protocol while the guard lives, whatever way the future
/// holding it ends (answered, or dropped because the client left), so the gauge returns to
/// where it was: a request (or line) in flight, an open client connection.
pub struct GaugeGuard(IntGauge);

impl GaugeGuard {
    fn on(gauges: &IntGaugeVec, protocol: &str) -> GaugeGuard {
        let g = gauges.with_label_values(&[protocol]);
        g.inc();
        GaugeGuard(g)
    }

    pub fn inflight(m: &LabMetrics, protocol: &str) -> GaugeGuard {
        Self::on(&m.inflight, protocol)
    }

    pub fn open(m: &LabMetrics, protocol: &str) -> GaugeGuard {
        Self::on(&m.open_connections, protocol)
    }
}

impl Drop for GaugeGuard {
    fn drop(&mut self) {
        self.0.dec();
    }
}
