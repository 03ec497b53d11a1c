// results.json, schema_version 3: the pinned contract that `lab report`, `lab compare`, the web
// dashboard and the README charts read. Change it only backwards-compatibly (new optional
// fields); anything else bumps schema_version. results.schema.json mirrors this file, and each
// executor's view (executors/common/view.ts resultSchema) the step keys it declares.

import type { MachineNoise } from './noise.js';
import type { EventRecord, Recovery, ServiceLifeEvent, Slope, StepTimeline } from './step-timeline.js';

/**
 * 2 added the per-second timeline, events, recovery, supervision and slopes (all optional in a
 * step); 3 added trials, intervals, noise and the lab's CPU by purpose (all optional: a step
 * without trials reads as one trial). 1 and 2 still read.
 */
export const RESULTS_SCHEMA_VERSION = 3;

export interface LatencyMs {
  p50: number | null;
  p90: number | null;
  p99: number | null;
  p999: number | null;
  max: number | null;
  /** The mean (Little's law needs it); absent in runs before issue 18. */
  mean?: number | null;
}

/**
 * The row's own request durations over the measure (its lab_request_duration_seconds
 * histogram, delta between the sampler's first and last scrape; observe/server-latency.ts).
 * Percentiles are interpolated inside the row's buckets.
 */
export interface ServerLatencyMs {
  p50: number | null;
  p99: number | null;
  mean: number | null;
  /** Requests the row finished in the window. */
  count: number;
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
  /** The row's own view of its latency (issue 18); absent when it exports no request histogram, and in older runs. */
  latency_ms?: ServerLatencyMs;
  /** Docker runtime only: container id/name and its limits, filled by the Docker runtime's stats. */
  container?: Record<string, unknown>;
}

export interface LoadgenUsage {
  cpu_seconds: number;
  /** Threads that generated load (1, or autocannon's worker count). */
  threads?: number;
  saturated: boolean;
  /** Schema 3: the lab's own CPU seconds over the measure, by purpose (loadgen, sampling, rest; observe/lab-cpu.ts). */
  cpu_by_purpose?: Record<string, number>;
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
 * plugin keeps what it adds under one key named after it, declared beside its code, which adds
 * the key to this interface (`declare module` in executors/<name>/): this file names none of
 * them, and only the owner's view reads its key. Files in the first layout of schema 1 are read into this one (results/upgrade.ts).
 */
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
  /** The lab was stopped (SIGINT/SIGTERM) during this step: partial figures. Absent on complete steps. */
  interrupted?: boolean;
  /** The time the counters cover; rates per second of server and loadgen CPU use real_s. */
  window?: StepWindow;
  /** Schema 2 (model/step-timeline.ts): one entry per second of warmup, measure and cooldown. */
  timeline?: StepTimeline;
  /** Schema 2: the scenario's events as applied in this step, and how the row came through each. */
  events?: EventRecord[];
  recovery?: Recovery[];
  /** Schema 2: crashes and restarts the runtime saw during the step. */
  supervision?: ServiceLifeEvent[];
  /** Schema 2: RSS, threads and open fds per minute over the measure phase (a soak's leak witness). */
  slopes?: Slope[];
  /**
   * Schema 3 (issue 18): every trial of the step, in the order measured. The step's other keys
   * are those of one real trial, the representative (its key figure is the median's).
   */
  trials?: TrialRecord[];
  /** Index in `trials` of the trial whose figures the step's other keys are. */
  representative_trial?: number;
  /** Per published figure key (ResultView.figures), its median and 95% interval over the trials. */
  intervals?: Record<string, FigureInterval>;
  /** The representative trial's machine noise (observe/machine-noise.ts). */
  noise?: MachineNoise;
  /** True when any trial had foreign CPU above 0.05 of a core: findings leave the step out unless allowed. */
  busy_machine?: boolean;
  /** How the server was sampled: cadence chosen from the row's scrape cost (observe/scrape-budget.ts). */
  sampler?: SamplerRecord;
}

/** One trial of a step: its published figures, the window they cover, the machine's noise. */
export interface TrialRecord {
  /** ISO time the trial's step started. */
  started_at: string;
  /** Figure key -> value (null: the trial has no such figure). */
  figures: Record<string, number | null>;
  window?: StepWindow;
  noise?: MachineNoise;
}

/** A figure over a step's trials (core/stats summarize): lo..hi is the 95% interval on the median, or min..max below 6 trials with its real coverage. */
export interface FigureInterval {
  median: number;
  lo: number;
  hi: number;
  n: number;
  coverage: number;
}

export interface SamplerRecord {
  /** Milliseconds between /metrics scrapes. */
  interval_ms: number;
  /** The row's CPU seconds per scrape, measured once per row at the start of the run (an upper estimate: plus /proc's tick); null: not measured. */
  scrape_cpu_s: number | null;
  /** The share of one core the row spent on being scraped at that cadence. */
  cost_cores: number | null;
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
  schema_version: 1 | 2 | 3;
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
