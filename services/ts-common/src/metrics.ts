import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import client from 'prom-client';
import { CONTRACT, metricSpec } from '@concurrency-lab/contract-ts';
import { ProcessTreeReader, type ProcessTreeStats } from '@concurrency-lab/proc-stats';
import { readSelfStats } from './self-stats.js';

// The metric vocabulary of contract/contract.json for a Node service, on its own registry, every
// series labelled impl="<service folder>". Names, help and labels come from the contract (`def`);
// dashboards and reports rely on them.

export type Protocol = 'http' | 'line';
export type Outcome = 'ok' | 'bad_request' | 'upstream_error' | 'timeout' | 'busy';
export type ConcurrencyUnit = 'threads' | 'greenlets' | 'coroutines' | 'processes' | 'deferreds' | 'promises';

export const PROTOCOLS = CONTRACT.metrics.label_values.protocol as readonly Protocol[];
export const OUTCOMES = CONTRACT.outcomes.map((o) => o.name) as readonly Outcome[];

/** name, help and labelNames of a contract metric, for prom-client's constructors. */
function def<L extends string>(name: string): { name: string; help: string; labelNames: readonly L[] } {
  const spec = metricSpec(name);
  return { name: spec.name, help: spec.help, labelNames: spec.labels as L[] };
}

/** 1 ms .. 60 s, dense around the 50-200 ms upstream delays the scenarios use. */
export const LATENCY_BUCKETS_SECONDS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.06, 0.075, 0.1, 0.125, 0.15, 0.175, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1,
  2.5, 5, 10, 20, 30, 60,
];

export interface LabMetricsOptions {
  /** The service folder name: the impl label. */
  impl: string;
  model: string;
  language: string;
  /** e.g. `node 20.20.2`. */
  runtime: string;
  /** The unit this row counts in lab_concurrency_units (pre-initialised at 0). */
  concurrencyUnit: ConcurrencyUnit;
  /** Whose process tree the process_* and lab_os_threads series sum; default this process. */
  rootPid?: number;
  /**
   * 'self' for a service that starts no child processes: the series come from this process's
   * own counters (self-stats.ts) instead of a /proc walk per scrape. Ignored with rootPid.
   */
  processTree?: 'walk' | 'self';
  /** Sampling window of lab_event_loop_utilization. */
  eventLoopWindowMs?: number;
}

export interface LabMetrics {
  registry: client.Registry;
  requests: client.Counter<'protocol' | 'outcome'>;
  requestDuration: client.Histogram<'protocol'>;
  upstreamDuration: client.Histogram<string>;
  inflight: client.Gauge<'protocol'>;
  openConnections: client.Gauge<'protocol'>;
  concurrencyUnits: client.Gauge<'unit'>;
  /** Counts one finished request: outcome counter and duration histogram together. */
  recordRequest(protocol: Protocol, outcome: Outcome, seconds: number): void;
  /** The Prometheus text exposition. */
  exposition(): Promise<string>;
  contentType: string;
  /** Stops the event-loop sampler (lets a test process exit). */
  close(): void;
}

export function createLabMetrics(opts: LabMetricsOptions): LabMetrics {
  const registry = new client.Registry();
  registry.setDefaultLabels({ impl: opts.impl });
  const registers = [registry];
  const self = opts.processTree === 'self' && opts.rootPid === undefined;
  const treeStats = cachedTreeStats(self ? readSelfStats : treeReader(opts.rootPid ?? process.pid));

  addNodeDefaultsWithTreeProcessMetrics(registry, treeStats);

  const info = new client.Gauge({ ...def<'model' | 'language' | 'runtime'>('lab_info'), registers });
  info.set({ model: opts.model, language: opts.language, runtime: opts.runtime }, 1);

  const requests = new client.Counter({ ...def<'protocol' | 'outcome'>('lab_requests_total'), registers });
  const requestDuration = new client.Histogram({ ...def<'protocol'>('lab_request_duration_seconds'), buckets: LATENCY_BUCKETS_SECONDS, registers });
  const upstreamDuration = new client.Histogram({ ...def('lab_upstream_duration_seconds'), buckets: LATENCY_BUCKETS_SECONDS, registers });
  const inflight = new client.Gauge({ ...def<'protocol'>('lab_inflight_requests'), registers });
  const openConnections = new client.Gauge({ ...def<'protocol'>('lab_open_connections'), registers });
  const concurrencyUnits = new client.Gauge({ ...def<'unit'>('lab_concurrency_units'), registers });

  // Series exist at 0 before any traffic so that dashboards and rate() see them from the start.
  for (const protocol of PROTOCOLS) {
    for (const outcome of OUTCOMES) requests.inc({ protocol, outcome }, 0);
    requestDuration.zero({ protocol });
    inflight.set({ protocol }, 0);
    openConnections.set({ protocol }, 0);
  }
  concurrencyUnits.set({ unit: opts.concurrencyUnit }, 0);

  new client.Gauge({
    ...def('lab_os_threads'),
    registers,
    async collect() {
      const stats = await treeStats();
      if (stats) this.set(stats.osThreads);
    },
  });
  new client.Counter({
    ...def<'kind'>('lab_context_switches_total'),
    registers,
    async collect() {
      const stats = await treeStats();
      if (!stats) return;
      // The reader keeps the running total monotonic; mirror it (reset + inc is how prom-client sets a counter).
      this.reset();
      this.inc({ kind: 'voluntary' }, stats.contextSwitches.voluntary);
      this.inc({ kind: 'involuntary' }, stats.contextSwitches.involuntary);
    },
  });

  const recorded = Object.fromEntries(
    PROTOCOLS.map((protocol) => [
      protocol,
      {
        outcomes: Object.fromEntries(OUTCOMES.map((outcome) => [outcome, requests.labels({ protocol, outcome })])),
        duration: requestDuration.labels({ protocol }),
      },
    ]),
  ) as unknown as Record<Protocol, { outcomes: Record<Outcome, { inc(): void }>; duration: { observe(v: number): void } }>;

  const stopSampler = sampleEventLoopUtilization(registry, opts.eventLoopWindowMs ?? 1000);

  return {
    registry,
    requests,
    requestDuration,
    upstreamDuration,
    inflight,
    openConnections,
    concurrencyUnits,
    recordRequest(protocol, outcome, seconds) {
      // Children resolved once: labelled inc/observe hash the label object on every call.
      recorded[protocol].outcomes[outcome].inc();
      recorded[protocol].duration.observe(seconds);
    },
    exposition: () => registry.metrics(),
    contentType: registry.contentType,
    close: stopSampler,
  };
}

/**
 * prom-client's default metrics, except that process_cpu_seconds_total and
 * process_resident_memory_bytes are replaced by sums over the service's process tree (contract/README.md).
 * Both names must appear once, so the defaults' own series are unregistered first.
 */
function addNodeDefaultsWithTreeProcessMetrics(
  registry: client.Registry,
  treeStats: () => Promise<ProcessTreeStats | undefined>,
): void {
  // Lag sampled every 100 ms, not prom-client's 10: its timer wakes the loop at that rate even
  // when idle, and at 10 ms the wakes alone cost the row ~3% of a core (node-eventloop idle:
  // 2.8% measured), a cost no other row pays. Ten samples a second still give the dashboard's
  // p99 of lag hundreds of samples per scrape window.
  client.collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });
  // The default RSS gauge's collect() also fills process_virtual_memory_bytes and
  // process_heap_bytes, so it is kept (unregistered) and still asked to collect.
  const defaultRss = registry.getSingleMetric('process_resident_memory_bytes');
  registry.removeSingleMetric('process_resident_memory_bytes');
  registry.removeSingleMetric('process_cpu_seconds_total');
  const registers = [registry];

  new client.Counter({
    ...def('process_cpu_seconds_total'),
    registers,
    async collect() {
      const stats = await treeStats();
      if (!stats) return;
      this.reset();
      this.inc(stats.cpuSeconds);
    },
  });
  new client.Gauge({
    ...def('process_resident_memory_bytes'),
    registers,
    async collect() {
      // First, before any other await: the default collect must fill its gauges before
      // the registry (which starts every collect in registration order) reads them.
      await defaultRss?.get();
      const stats = await treeStats();
      if (stats) this.set(stats.rssBytes);
    },
  });
  // The registry collects in registration order: re-register the gauges the default RSS
  // collect() fills after ours, so they are fresh in the same scrape.
  for (const name of ['process_virtual_memory_bytes', 'process_heap_bytes']) {
    const metric = registry.getSingleMetric(name);
    if (!metric) continue;
    registry.removeSingleMetric(name);
    registry.registerMetric(metric);
  }
}

/** lab_event_loop_utilization over the last full window; returns a stop function. */
function sampleEventLoopUtilization(registry: client.Registry, windowMs: number): () => void {
  const gauge = new client.Gauge({ ...def('lab_event_loop_utilization'), registers: [registry] });
  gauge.set(0);
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    gauge.set(performance.eventLoopUtilization(now, last).utilization);
    last = now;
  }, windowMs);
  // A sampler must never keep a finished service alive.
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * One scrape reads the tree for four metrics; a /proc pass per metric would quadruple the cost,
 * so a reading is reused for a short while. The read is synchronous on purpose: for a service's
 * own tree it is a few dozen procfs files (about 0.7 ms of blocked loop on the lab VM), while
 * the promise-based reads cost about 4 ms of CPU per pass (open, fstat, read and close each a
 * thread-pool round trip), and that CPU was charged to every request of the row under test.
 */
function cachedTreeStats(read: () => ProcessTreeStats | undefined, maxAgeMs = 250): () => Promise<ProcessTreeStats | undefined> {
  let at = -Infinity;
  let value: ProcessTreeStats | undefined;
  return async () => {
    const now = performance.now();
    if (now - at > maxAgeMs) {
      value = read();
      at = now;
    }
    return value;
  };
}

/** One reader for the metrics' lifetime keeps the counters monotonic. */
function treeReader(rootPid: number): () => ProcessTreeStats | undefined {
  const reader = new ProcessTreeReader(rootPid);
  return () => reader.read();
}
