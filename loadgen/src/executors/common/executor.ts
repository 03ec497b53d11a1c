import type { LiveFigures } from '../../observe/loadgen-metrics.js';
import type { Histogram as LatencyHistogram } from 'hdr-histogram-js';
import type { LatencyMs, RunResults, ServerLatencyMs, StepErrors, StepResult } from '../../model/results.js';
import type { Endpoint, LabRuntime } from '../../runtime/types.js';
import type { Problem } from '../../model/problems.js';
import type { Scenario, ScenarioSource } from '../../model/scenario.js';
import type { ResultView } from './view.js';

// k6-style: a load model is a named executor behind this one small interface. The run loop
// (scenario-run/run-scenario.ts) owns the phases and everything around them (sampling, progress,
// results); an executor only knows how to put its kind of load on one target for one step.

export interface StepContext {
  scenario: Scenario;
  runtime: LabRuntime;
  target: Endpoint;
  /** Connections, arrival rate or workers. */
  load: number;
  /** Aborted on SIGINT: stop load at once and return what was measured. */
  signal: AbortSignal;
  /** Live figures, at least once per second while load runs. */
  onLive(f: LiveFigures): void;
  /** The step's per-second timeline (scenario-run/timeline): every answer and failed request, warmup and measure. */
  timeline?: RequestTimeline;
}

/** What an executor tells a step's timeline per request (scenario-run/timeline/recorder.ts implements it). */
export interface RequestTimeline {
  /** An answer: latency, whether it was right, the error kind when not (e.g. `status 502`). */
  response(latencyMs: number, ok: boolean, errorKind?: string): void;
  /** A request without an answer (`timeout`, `connection`...). */
  error(kind: string): void;
  /** The answer just counted ok had the wrong body. */
  mismatch(): void;
  /** A connection's retry refused while the target was down: not a request (load-common/reconnect-backoff.ts). */
  reconnect?(): void;
}

export interface Measurement {
  /** Answers received (any status). */
  requests: number;
  /** Answers that were right (2xx with the expected body). */
  ok: number;
  durationS: number;
  latencyMs: LatencyMs;
  /**
   * The measure phase's latencies, when the executor keeps them: `lab run --loadgens K` adds the
   * K generators' histograms and takes the step's percentiles from the sum (scenario-run/loadgens).
   */
  histogram?: LatencyHistogram;
  errors: StepErrors;
  /** Threads that generated load (autocannon workers); 1 by default. */
  loadgenThreads: number;
  warnings: string[];
  /** The keys this executor adds to the step's result, copied as they are (its view reads them). */
  fields?: Record<string, unknown>;
  /** The live rate comes from the server's counters (the executor has no per-second view). */
  liveFromServer?: boolean;
  /** Seconds of the window in which the target refused connections (the closed load's): after such a step the run asks the target whether it is still there. */
  unreachableS?: number;
}

/** One step on one target: set up, warm up (discarded), measure, tear down. */
export interface StepRun {
  warmup(seconds: number): Promise<void>;
  measure(seconds: number): Promise<Measurement>;
  close(): Promise<void>;
  /**
   * The same step driven by an independent tool (wrk), warmup then measure, for `cross_check`.
   * Called after close() and after the server sampler stopped: it needs nothing close() frees.
   */
  crossCheck?(warmupSeconds: number, seconds: number): Promise<WrkReport>;
}

/** What the independent tool of `cross_check` (wrk) measured of one step. */
export interface WrkReport {
  /** Answers received (any status). */
  requests: number;
  /** Answers with a status below 400. */
  ok: number;
  durationS: number;
  rps: number;
  latencyMs: { p50: number | null; p99: number | null; max: number | null };
  /** connect + read + write + timeout + status >= 400. */
  errors: number;
  /** wrk's own CPU seconds (user + system, USER_HZ 100), read by itself at the end; null when unreadable. */
  cpuSeconds: number | null;
  /** The row's own request durations while wrk measured (its /metrics histogram), when it has one. */
  serverLatencyMs?: ServerLatencyMs;
}

/** A scenario's configuration as it reaches an executor's or plugin's own checks (parsed YAML, shape not yet trusted). */
export type RawScenario = Record<string, unknown>;

/**
 * What executors and step plugins share: the scenario keys they own and how a scenario's use of
 * them is checked and read, and the view of the step-result keys they write.
 */
export interface ScenarioPart {
  /** JSON Schema of the scenario keys it owns, merged into scenario.schema.json's properties (scenario/validate.ts). */
  configSchema: Record<string, unknown>;
  /** Problems the schema cannot express (only called when the scenario uses this part). */
  validate?(d: RawScenario): Problem[];
  /** Its part of the validated Scenario, from the YAML as written. */
  configure?(src: ScenarioSource): Partial<Scenario>;
  view: ResultView;
}

export interface Executor extends ScenarioPart {
  /** The registry's key for this executor (executors/registry.ts holds the list). */
  name: string;
  /** The step plugins (registry keys) this executor's StepRun supports, e.g. cross_check. */
  stepPlugins?: readonly string[];
  loadUnit: RunResults['load_unit'];
  /** Which protocol's server counters show this executor's traffic. */
  protocol: 'http' | 'line';
  /** Little's law for closed models, the rate for open ones; null where there is no ideal. */
  idealRps(load: number, upstreamDelayMs: number): number | null;
  /**
   * Seconds the warmup and the measure of one step take at this load, for the progress bar and the
   * run's planned time (`lab run` prints it); default the scenario's warmup and duration (see
   * plannedPhases). Overhead: its tasks' ideal time per mode; idle: its two waits.
   */
  plannedPhaseSeconds?(s: Scenario, load: number): PhaseSeconds;
  /** Problems with a step that are known before it starts (e.g. above the fd limit). */
  preflight?(ctx: StepContext): string[];
  start(ctx: StepContext): Promise<StepRun>;
}

/**
 * A step option that is not a load model (k6's "options" beside its executors): it rides on
 * the executors that list it in stepPlugins and runs after each of their steps, e.g. the wrk
 * cross-check. Its registry key is its scenario key.
 */
export interface StepPlugin extends ScenarioPart {
  name: string;
  /** `lab run`'s boolean flag that switches it on, and its lines in the usage text. */
  flag: { name: string; help: string[] };
  enabled(s: Scenario): boolean;
  /** The scenario with the plugin switched on (e.g. `lab run --cross-check`). */
  enable(s: Scenario): Scenario;
  /** Before anything runs: throws with the install command when a tool is missing. */
  preflight?(): void;
  /** The run phase it adds after a step (RunProgress.phase), and its planned seconds. */
  phase: string;
  phaseSeconds(s: Scenario): number;
  /** After the step's own measure, close() and the server sampler: adds its key to the step. */
  afterStep(run: StepRun, step: StepResult, s: Scenario): Promise<void>;
}

export const NO_LATENCY: LatencyMs = { p50: null, p90: null, p99: null, p999: null, max: null };

export function emptyErrors(): StepErrors {
  return { timeouts: 0, non2xx: 0, connection: 0, by_kind: {} };
}

export function countKind(e: StepErrors, kind: string, n = 1): void {
  e.by_kind[kind] = (e.by_kind[kind] ?? 0) + n;
}

export interface PhaseSeconds { warmup: number; measure: number }

/** What a step's warmup and measure should take: the executor's own estimate, or the scenario's keys. */
export function plannedPhases(e: Pick<Executor, 'plannedPhaseSeconds'>, s: Scenario, load: number): PhaseSeconds {
  return e.plannedPhaseSeconds?.(s, load) ?? { warmup: s.warmupS, measure: s.durationS };
}
