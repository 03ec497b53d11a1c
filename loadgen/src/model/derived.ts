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
