import type { Problem } from './problems.js';

// How many times a step is repeated and when it may stop early (issue 18): the one place the
// defaults live. A scenario sets `trials` (the most trials a step gets) and `precision` (the
// largest half-width of a figure's 95% interval, relative to its median, at which a step stops
// before that); `lab run --trials N --precision P` overrides both. The run loop measures in
// rounds (scenario-run/trials/); core/stats decides when a step is precise.

export const TRIALS_DEFAULTS = {
  /** One trial: a scenario that says nothing measures as before trials existed. */
  trials: 1,
  /** +-5% of the median. */
  precision: 0.05,
  /** The fewest trials a step gets when it may have 3 or more (fewer say nothing of spread). */
  minTrials: 3,
} as const;

/** The most trials `trials` may ask for: a step is minutes at most, a suite must still end. */
export const MAX_TRIALS = 50;

export interface TrialsConfig {
  trials: number;
  precision: number;
  /** Steps measured while the machine was busy still count in findings. */
  allowBusy: boolean;
  /**
   * 'round': every round of trials starts each row in a fresh process (the runtime restarts it
   * before the row's steps of that round), so that no trial inherits an earlier one's heap,
   * allocator arenas, threads or JIT: trials of a figure that a process keeps (idle bytes per
   * connection) are then independent. 'step': before every step too, so that a step does not
   * inherit the one before it either (5000 idle connections after 1000 reuse the first
   * thousand's memory). false: one process throughout.
   */
  freshProcess: FreshProcess;
}

/** `0.05`, `5%` or `'5%'` -> 0.05; a message when it is none of those or not in (0, 1). */
export function parsePrecision(v: unknown): number | string {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+(\.\d+)?\s*%\s*$/.test(v) ? Number(v.replace('%', '')) / 100
    : typeof v === 'string' && /^\s*\d*\.?\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n)) return `'${String(v)}' is not a precision; use e.g. 5% or 0.05`;
  if (!(n > 0 && n < 1)) return `must be above 0 and below 100% (got ${String(v)})`;
  return n;
}

/** `trials` as written: a whole number from 1 to MAX_TRIALS, or a message. */
export function parseTrials(v: unknown): number | string {
  const n = typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) return `must be a whole number of trials >= 1 (got ${JSON.stringify(v)})`;
  if (n > MAX_TRIALS) return `must be at most ${MAX_TRIALS} (got ${n})`;
  return n;
}

/** Problems with a scenario's trials keys (scenario/validate.ts). */
export function trialsProblems(d: Record<string, unknown>): Problem[] {
  const out: Problem[] = [];
  if (d.trials !== undefined) {
    const t = parseTrials(d.trials);
    if (typeof t === 'string') out.push({ path: 'trials', message: t });
  }
  if (d.precision !== undefined) {
    const p = parsePrecision(d.precision);
    if (typeof p === 'string') out.push({ path: 'precision', message: p });
  }
  if (d.allow_busy !== undefined && typeof d.allow_busy !== 'boolean') out.push({ path: 'allow_busy', message: 'must be true or false' });
  if (d.fresh_process !== undefined && parseFreshProcess(d.fresh_process) === undefined) {
    out.push({ path: 'fresh_process', message: `must be true (= round), false, round or step (got ${JSON.stringify(d.fresh_process)})` });
  }
  return out;
}

export type FreshProcess = false | 'round' | 'step';

/** `fresh_process` as written: true or 'round' restart each round, 'step' each step; undefined when it is none of these. */
export function parseFreshProcess(v: unknown): FreshProcess | undefined {
  return v === false ? false : v === true || v === 'round' ? 'round' : v === 'step' ? 'step' : undefined;
}

/** The validated config, defaults filled in (call after trialsProblems found none). */
export function trialsConfig(src: { trials?: number; precision?: number | string; allow_busy?: boolean; fresh_process?: boolean | string }): TrialsConfig {
  return {
    trials: src.trials === undefined ? TRIALS_DEFAULTS.trials : (parseTrials(src.trials) as number),
    precision: src.precision === undefined ? TRIALS_DEFAULTS.precision : (parsePrecision(src.precision) as number),
    allowBusy: src.allow_busy ?? false,
    freshProcess: parseFreshProcess(src.fresh_process ?? false)!,
  };
}

/** The stopping rule of core/stats for a config: at least 3 trials when 3 or more are allowed. */
export function stoppingRule(c: Pick<TrialsConfig, 'trials' | 'precision'>): { precision: number; maxTrials: number; minTrials: number } {
  return { precision: c.precision, maxTrials: c.trials, minTrials: Math.min(c.trials, TRIALS_DEFAULTS.minTrials) };
}
