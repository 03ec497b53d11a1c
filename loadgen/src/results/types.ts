// results.json, schema_version 2: the pinned contract that `lab report`, `lab compare`, the web
// dashboard and the README charts read. Change it only backwards-compatibly (new optional
// fields); anything else bumps schema_version. results.schema.json mirrors this file, and each
// executor's view (executors/view.ts resultSchema) the step keys it declares.

import type { CrossCheckFields } from '../executors/cross-check.js';
import type { IdleFields } from '../executors/idle-connections-view.js';
import type { OverheadFields } from '../executors/overhead-modes.js';

import type { EventRecord, Recovery, ServiceLifeEvent, Slope, StepTimeline } from './story-types.js';

/** 2 added the per-second timeline, events, recovery, supervision and slopes (all optional in a step); 1 still reads. */
export const RESULTS_SCHEMA_VERSION = 2;

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
  /** `lab run --loadgens K` only (optional, schema_version stays 1): each generator's share, host and CPU; cpu_seconds is their sum. */
  generators?: GeneratorUsage[];
}

/** One of K load generator processes of a step (scenario-run/loadgens). */
export interface GeneratorUsage {
  index: number;
  /** Hostname (a swarm task: its node's hostname and id). */
  host: string;
  /** Its share of the step's load (connections, rate). */
  load: number;
  requests: number;
  ok: number;
  /** Its own CPU seconds (user + system) over the measure phase. */
  cpu_seconds: number;
}

/**
 * One step of one target. The fields every executor fills are here; each executor and step
 * plugin keeps what it adds under one key named after it, declared beside its code
 * (IdleFields: idle_connections, OverheadFields: overhead, CrossCheckFields: cross_check); only
 * its view reads it. Files in the first layout of schema 1 are read into this one (results/upgrade.ts).
 */
export interface StepResult extends IdleFields, OverheadFields, CrossCheckFields {
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
  /** The lab was stopped (SIGINT/SIGTERM) during this step: partial figures. Absent on complete steps. */
  interrupted?: boolean;
  /** The time the counters cover; rates per second of server and loadgen CPU use real_s. */
  window?: StepWindow;
  /** Schema 2 (results/story-types.ts): one entry per second of warmup, measure and cooldown. */
  timeline?: StepTimeline;
  /** Schema 2: the scenario's events as applied in this step, and how the row came through each. */
  events?: EventRecord[];
  recovery?: Recovery[];
  /** Schema 2: crashes and restarts the runtime saw during the step. */
  supervision?: ServiceLifeEvent[];
  /** Schema 2: RSS, threads and open fds per minute over the measure phase (a soak's leak witness). */
  slopes?: Slope[];
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
  schema_version: 1 | 2;
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
