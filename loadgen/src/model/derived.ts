import type { RunResults, StepErrors, StepResult } from './results.js';

// Figures computed from a step, shared by the summary, CSV, thresholds and compare so that they
// all agree on what "errors" means.

/** Failed requests: timeouts, non-2xx answers, connection errors, and 2xx answers with a wrong body. */
export function errorCount(e: StepErrors): number {
  return e.timeouts + e.non2xx + e.connection + (e.by_kind.mismatch ?? 0);
}

/** Failed / attempted, in percent; attempts = answers + requests that never got one. */
export function errorPercent(step: StepResult): number {
  const attempts = step.requests + step.errors.timeouts + step.errors.connection;
  return attempts === 0 ? (errorCount(step.errors) > 0 ? 100 : 0) : (100 * errorCount(step.errors)) / attempts;
}

/** achieved / ideal (Little's law), or null where there is no ideal. */
export function fidelity(step: StepResult): number | null {
  return step.ideal_rps ? step.rps / step.ideal_rps : null;
}

export function loadLabel(unit: RunResults['load_unit']): string {
  return unit === 'rate_rps' ? 'rate (req/s)' : unit;
}

/**
 * The seconds a step's server counters cover (CPU, context switches): StepResult.window.real_s
 * (the measure phase plus an open model's drain) when the run recorded it, else the measured
 * duration (older runs).
 */
export function windowSeconds(s: StepResult): number {
  return s.window?.real_s ?? s.duration_s;
}

/** Server cores busy over the step: its CPU-seconds over the window its counters cover; null when unknown. */
export function serverCores(s: StepResult): number | null {
  const cpu = s.server.cpu_seconds;
  const w = windowSeconds(s);
  return cpu === null || !(cpu > 0) || !(w > 0) ? null : cpu / w;
}

/**
 * Good answers per server CPU-second. A rate over two windows is wrong (answers counted over
 * duration_s divided by CPU counted over the longer real_s): each side is a rate over its own
 * window, answers per second over the measure and cores over the counters' window.
 */
export function rpsPerCpuSecond(s: StepResult): number | null {
  const cores = serverCores(s);
  return cores === null ? null : s.rps / cores;
}

/** Load generator CPU per request (seconds), both as rates over their own windows; null when unknown. */
export function loadgenCpuPerRequest(s: StepResult): number | null {
  const w = windowSeconds(s);
  const perS = s.duration_s > 0 ? s.requests / s.duration_s : 0;
  return w > 0 && perS > 0 ? s.loadgen.cpu_seconds / w / perS : null;
}
