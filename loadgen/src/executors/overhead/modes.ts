import { OVERHEAD_MODES, type OverheadMode, type OverheadResult } from '@concurrency-lab/contract-ts';
import type { RunResults, StepResult } from '../../model/results.js';

// Every reader of overhead results (summary, CSV, charts, crossovers, findings: the overhead
// executor's view) goes through these functions, so that they agree on one rule: a step's modes
// are overhead.modes; a measurement without a mode predates modes, when every row spawned a
// unit per task, so it is 'spawn'.

export { OVERHEAD_MODES, type OverheadMode };

/**
 * A row's /overhead answer, as the services report it (elapsed_s / ideal_s; null when ideal is 0).
 * `mode` is absent in results written before modes existed: read it as 'spawn' (those rows
 * spawned a unit per task); stepOverheads does that for every reader.
 */
export type OverheadMeasurement = Omit<OverheadResult, 'mode'> & { mode?: OverheadMode };

/** The StepResult key the overhead executor writes: every mode the step measured, in the scenario's order. */
export interface OverheadFields {
  overhead?: { modes: OverheadMeasurement[] };
}

export type ModedOverhead = OverheadMeasurement & { mode: OverheadMode };

/** Results written before modes existed have no mode: the rows then spawned a unit per task. */
export const LEGACY_OVERHEAD_MODE: OverheadMode = 'spawn';

/** Every mode a step measured, each with its mode filled in (empty for non-overhead steps). */
export function stepOverheads(s: StepResult): ModedOverhead[] {
  return (s.overhead?.modes ?? []).map((o) => ({ ...o, mode: o.mode ?? LEGACY_OVERHEAD_MODE }));
}

/**
 * Results written before the overhead executor kept one key: `overhead` was the first mode's
 * measurement and `overhead_modes` (when there) every mode; both become overhead.modes.
 */
export function upgradeOverheadStep(step: Record<string, unknown>): void {
  const o = step.overhead as { modes?: unknown } | undefined;
  if (o && !Array.isArray(o.modes)) {
    const modes = step.overhead_modes;
    step.overhead = { modes: Array.isArray(modes) && modes.length ? modes : [o] };
  }
  delete step.overhead_modes;
}

/** One mode's measurement of a step, if the step measured it. */
export function stepOverhead(s: StepResult, mode: OverheadMode): ModedOverhead | undefined {
  return stepOverheads(s).find((o) => o.mode === mode);
}

/** The modes a run measured, in the contract's order (pool, spawn). */
export function runOverheadModes(r: RunResults): OverheadMode[] {
  const seen = new Set(r.targets.flatMap((t) => t.steps.flatMap((s) => stepOverheads(s).map((o) => o.mode))));
  return OVERHEAD_MODES.filter((m) => seen.has(m));
}

/** Adds the key to StepResult (model/results.ts names no executor). */
declare module '../../model/results.js' {
  interface StepResult extends OverheadFields {}
}
