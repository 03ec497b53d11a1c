// results.json, schema_version 1: the pinned contract that `lab report`, `lab compare`, the web
// dashboard and the README charts read. Change it only backwards-compatibly (new optional
// fields); anything else bumps schema_version. results.schema.json mirrors this file.

import type { OverheadMode, OverheadResult } from '@concurrency-lab/ts-common';

export const RESULTS_SCHEMA_VERSION = 1;

export interface LatencyMs {
  p50: number | null;
  p90: number | null;
  p99: number | null;
  p999: number | null;
  max: number | null;
}

export interface StepErrors {
  timeouts: number;
  non2xx: number;
  connection: number;
  /** e.g. { mismatch: 2, ECONNRESET: 5, "status 502": 3 } */
  by_kind: Record<string, number>;
}

export interface ServerUsage {
  /** CPU seconds the service used during the measure phase (delta). */
  cpu_seconds: number | null;
  rss_bytes_peak: number | null;
  os_threads_peak: number | null;
  /** Voluntary + involuntary context switches during measure (delta). */
  context_switches: number | null;
  concurrency_units_peak: number | null;
  /** Docker runtime only: container id/name and its limits, filled by the Docker runtime's stats. */
  container?: Record<string, unknown>;
}

export interface LoadgenUsage {
  cpu_seconds: number;
  /** Threads that generated load (1, or autocannon's worker count). */
  threads?: number;
  saturated: boolean;
}

export interface IdleMeasurement {
  connections_requested: number;
  connections_open: number;
  rss_bytes_before: number | null;
  rss_bytes_after: number | null;
  threads_before: number | null;
  threads_after: number | null;
  units_before: number | null;
  units_after: number | null;
  bytes_per_connection: number | null;
  threads_per_connection: number | null;
}

/** /overhead's modes (contract/contract.json): C long-lived workers on a bounded queue (the seed's method), or a new unit per task. */
export { OVERHEAD_MODES, type OverheadMode } from '@concurrency-lab/ts-common';

/**
 * A row's /overhead answer, as the services report it (elapsed_s / ideal_s; null when ideal is 0).
 * `mode` is absent in results written before modes existed: read it as 'spawn' (those rows
 * spawned a unit per task); results/overhead-modes.ts does that for every reader.
 */
export type OverheadMeasurement = Omit<OverheadResult, 'mode'> & { mode?: OverheadMode };

export interface StepResult {
  /** Connections, arrival rate (req/s) or workers, depending on the executor. */
  load: number;
  requests: number;
  /** Measured seconds of this step. */
  duration_s: number;
  rps: number;
  latency_ms: LatencyMs;
  errors: StepErrors;
  server: ServerUsage;
  loadgen: LoadgenUsage;
  /** Little's law for closed models (connections / upstream delay), the rate for open ones; null where meaningless. */
  ideal_rps: number | null;
  warnings: string[];
  idle?: IdleMeasurement;
  /** The first mode the step measured (overhead executor). */
  overhead?: OverheadMeasurement;
  /** Every mode the step measured, in the scenario's order, each with its mode; readers fall back to [overhead]. */
  overhead_modes?: OverheadMeasurement[];
  /** The same step driven a second time by wrk (`lab run --cross-check`), right after the lab's own measure. */
  cross_check?: CrossCheck;
  /** The time the counters cover; rates per second of server and loadgen CPU use real_s. */
  window?: StepWindow;
}

/** A step's planned measure time and the wall time its server counters really cover. */
export interface StepWindow {
  /** The scenario's measure seconds. */
  scheduled_s: number;
  /**
   * Wall seconds between the two server samples that bracket the counters (CPU, context
   * switches): the measure, an open model's drain of late answers, an idle step's closing.
   */
  real_s: number;
}

/** An independent witness of a connections-sweep step: wrk at the same connections, URL and duration. */
export interface CrossCheck {
  tool: 'wrk';
  connections: number;
  duration_s: number;
  /** wrk's answers with status < 400 per second. */
  rps: number;
  latency_ms: { p50: number | null; p99: number | null };
  /** connect, read, write, timeout and status >= 400 errors. */
  errors: number;
  /** lab rps / wrk rps; null when wrk got no answer. */
  ratio: number | null;
  /** ratio < 0.9: the lab measured less than wrk did. */
  flagged: boolean;
  note?: string;
}

export interface TargetResult {
  name: string;
  model: string;
  /** Set when the target stopped answering: what happened. Its completed steps are kept. */
  failed?: string;
  steps: StepResult[];
}

export interface Environment {
  cpus: number;
  memory: number;
  os: string;
  node: string;
  python: string | null;
  runtime: 'local' | 'docker' | 'swarm';
  cpu_model?: string;
  hostname?: string;
}

export interface RunResults {
  schema_version: 1;
  scenario: Record<string, unknown> & { name: string; executor: string };
  environment: Environment;
  started_at: string;
  finished_at: string | null;
  /** running while steps are still being added; complete, aborted (SIGINT) or failed at the end. */
  status: 'running' | 'complete' | 'aborted' | 'failed';
  /** What the load axis means: connections, rate_rps or workers. */
  load_unit: 'connections' | 'rate_rps' | 'workers';
  /** The upstream delay the ideal line is computed from (ms). */
  upstream_delay_ms: number | null;
  targets: TargetResult[];
}
