package lab;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The contract's metric vocabulary for this row (names, help, types and labels from
 * contract/contract.json), written in the text format by Exposition. The live figures
 * (units, OS threads, CPU, RSS, context switches) are read at each scrape.
 */
final class Metrics {
  /** 1 ms .. 60 s, dense around the 50-200 ms upstream delays the scenarios use (ts-common's list). */
  static final double[] LATENCY_BUCKETS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.06, 0.075, 0.1, 0.125, 0.15, 0.175, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1,
    2.5, 5, 10, 20, 30, 60,
  };

  private final Contract contract;
  private final String implPair;
  private final String unitLabel;
  private final LongSupplier units;
  private final ProcStats proc = new ProcStats();
  private final Exposition.Gauge info;
  final Exposition.Counter requests;
  final Exposition.Histogram requestSeconds;
  final Exposition.Histogram upstreamSeconds;
  final Exposition.Gauge inflight;
  final Exposition.Gauge openConnections;

  /** Who this row is: lab_info's labels and every series' impl. */
  record RowInfo(String impl, String model, String language, String runtime) {}

  Metrics(Contract c, RowInfo row, String unitLabel, LongSupplier units) {
    this.contract = c;
    this.implPair = c.implLabel + "=\"" + Exposition.escape(row.impl()) + "\"";
    this.unitLabel = unitLabel;
    this.units = units;
    info = new Exposition.Gauge(c.metric("lab_info", "gauge"));
    info.labels(row.model(), row.language(), row.runtime()).set(1);
    requests = new Exposition.Counter(c.metric("lab_requests_total", "counter"));
    requestSeconds = new Exposition.Histogram(c.metric("lab_request_duration_seconds", "histogram"), LATENCY_BUCKETS);
    upstreamSeconds = new Exposition.Histogram(c.metric("lab_upstream_duration_seconds", "histogram"), LATENCY_BUCKETS);
    upstreamSeconds.labels();
    inflight = new Exposition.Gauge(c.metric("lab_inflight_requests", "gauge"));
    openConnections = new Exposition.Gauge(c.metric("lab_open_connections", "gauge"));
    // Every series exists at 0 before the first request, so that dashboards and rate() see it.
    for (String p : c.protocols) {
      for (String o : c.outcomes) requests.labels(p, o);
      requestSeconds.labels(p);
      inflight.labels(p);
      openConnections.labels(p);
    }
    // Found at start, not at the first scrape: the contract names these as this row writes them.
    for (String[] m : new String[][] {{"lab_concurrency_units", "gauge"}, {"lab_os_threads", "gauge"},
        {"lab_context_switches_total", "counter"}, {"process_cpu_seconds_total", "counter"}, {"process_resident_memory_bytes", "gauge"}}) {
      c.metric(m[0], m[1]);
    }
  }

  /** One finished request (or line): its outcome and its duration. */
  void record(String protocol, String outcome, double seconds) {
    requests.labels(protocol, outcome).increment();
    requestSeconds.labels(protocol).observe(seconds);
  }

  AtomicLong inflight(String protocol) {
    return inflight.labels(protocol);
  }

  AtomicLong open(String protocol) {
    return openConnections.labels(protocol);
  }

  private void live(StringBuilder out, String name, String type, List<String> values, double value) {
    Contract.MetricSpec spec = contract.metric(name, type);
    Exposition.header(out, spec);
    Exposition.sample(out, name, implPair, spec.labels(), values, value);
  }

  /** The whole scrape. */
  String render() {
    StringBuilder out = new StringBuilder(8192);
    for (Exposition.Family f : List.of(info, requests, requestSeconds, upstreamSeconds, inflight, openConnections)) {
      Exposition.header(out, f.spec);
      f.write(out, implPair);
    }
    live(out, "lab_concurrency_units", "gauge", List.of(unitLabel), units.getAsLong());
    ProcStats.Sample s = proc.sample();
    if (s != null) {
      live(out, "lab_os_threads", "gauge", List.of(), s.threads());
      live(out, "process_cpu_seconds_total", "counter", List.of(), s.cpuSeconds());
      live(out, "process_resident_memory_bytes", "gauge", List.of(), s.rssBytes());
      Contract.MetricSpec spec = contract.metric("lab_context_switches_total", "counter");
      Exposition.header(out, spec);
      Exposition.sample(out, spec.name(), implPair, spec.labels(), List.of("voluntary"), s.voluntary());
      Exposition.sample(out, spec.name(), implPair, spec.labels(), List.of("involuntary"), s.involuntary());
    }
    return out.toString();
  }
}
