import type { RunResults, StepResult } from '../../src/model/results.js';

/** A hand-made results.json (schema 1) for tests that do not need a real run. */
export function step(load: number, rps: number, p99: number, rss: number, threads: number, extra: Partial<StepResult> = {}): StepResult {
  return {
    load,
    requests: Math.round(rps * 2),
    duration_s: 2,
    rps,
    latency_ms: { p50: p99 / 2, p90: p99 * 0.8, p99, p999: p99, max: p99 * 1.1 },
    errors: { timeouts: 0, non2xx: 0, connection: 0, by_kind: {} },
    server: { cpu_seconds: 0.5, rss_bytes_peak: rss, os_threads_peak: threads, context_switches: 100, concurrency_units_peak: load },
    loadgen: { cpu_seconds: 0.2, threads: 1, saturated: false },
    ideal_rps: load * 10,
    warnings: [],
    ...extra,
  };
}

export function fixtureResults(): RunResults {
  return {
    schema_version: 1,
    scenario: { name: 'io-ramp', executor: 'connections-sweep', thresholds: ['p99 < 2s', 'errors < 1%'] },
    environment: { cpus: 2, memory: 24e9, os: 'Linux', node: 'v20.20.2', python: '3.11.2', runtime: 'local' },
    started_at: '2026-01-01T00:00:00.000Z',
    finished_at: '2026-01-01T00:01:00.000Z',
    status: 'complete',
    load_unit: 'connections',
    upstream_delay_ms: 100,
    targets: [
      { name: 'node-eventloop', model: 'event loop', steps: [step(1, 9.8, 102, 60e6, 11), step(10, 98, 105, 62e6, 11), step(100, 950, 120, 70e6, 11)] },
      { name: 'python-threads', model: 'threads', steps: [step(1, 9.7, 103, 20e6, 3), step(10, 95, 110, 22e6, 12), step(100, 700, 2400, 40e6, 102)] },
    ],
  };
}

/** An overhead run in both modes: each step's overhead.modes is pool, then spawn. */
export function fixtureOverhead(): RunResults {
  const m = (mode: 'pool' | 'spawn', workers: number, overhead: number) => ({ workers, tasks: 100, sleep_ms: 5, elapsed_s: (0.5 / workers) * overhead, ideal_s: 0.5 / workers, overhead, mode });
  const o = (workers: number, pool: number, spawn: number): StepResult =>
    step(workers, 1, 10, 1e6, 1, { ideal_rps: null, overhead: { modes: [m('pool', workers, pool), m('spawn', workers, spawn)] } });
  return {
    ...fixtureResults(),
    scenario: { name: 'overhead', executor: 'overhead' },
    load_unit: 'workers',
    upstream_delay_ms: null,
    targets: [
      { name: 'python-threads', model: 'threads', steps: [o(1, 1.01, 1.1), o(10, 1.05, 1.5), o(100, 1.9, 2.5)] },
      { name: 'gevent-explicit', model: 'greenlets', steps: [o(1, 1.02, 1.05), o(10, 1.04, 1.8), o(100, 1.1, 4.0)] },
    ],
  };
}
