import { ratio } from '../../core/units.js';
import { basisOf, firstOf, intervalSuffix, type FindingSource, type Ranking, type RankEntry, type RowFinding } from '../../model/findings.js';
import type { RunResults, TargetResult } from '../../model/results.js';
import { modeCrossovers, type Crossover } from './crossover.js';
import { OVERHEAD_MODES, runOverheadModes, stepOverhead, type OverheadMode } from './modes.js';
import type { FindingsPart } from '../common/view.js';

// Findings of overhead runs, per /overhead mode: each row's overhead at the ranking's worker
// count, where its curve crosses others' for good, and the ranking of the rows.

/** The worker count the overhead ranking asks about (the largest of the shipped scenario). */
export const OVERHEAD_RANK_WORKERS = 1000;

/** A perfect pool is 1.00x; rows within 2% of it sit on the ideal line: tied, not ranked. */
export const OVERHEAD_IDEAL = { value: 1, tolerance: 0.02 };

export type OverheadFinding =
  | { kind: 'overhead'; run: string; mode: OverheadMode; workers: number; overhead: number; text: string; interval?: RankEntry['interval'] }
  /** The row has this mode's figures but none at the ranking's worker count (a failed step, or one left out as busy): said, not ranked. */
  | { kind: 'overhead-unmeasured'; run: string; mode: OverheadMode; workers: number; text: string }
  /** Where this row's overhead curve crosses others' for good (overhead/crossover.ts), in one mode. */
  | { kind: 'crossover'; run: string; mode: OverheadMode; crossings: { other: string; workers: number; overhead: number; other_overhead: number }[]; text: string };

const isOverheadRun = (r: RunResults) => runOverheadModes(r).length > 0;

export const overheadFindings: FindingsPart = {
  applies: isOverheadRun,
  row: (s, t) => runOverheadModes(s.r).flatMap((mode) => [overheadAt(s, t, mode), crossoverFinding(s, mode, modeCrossovers(s.r, mode).filter((x) => x.rising === t.name))]),
  rankings(rows) {
    const modes = new Set([...rows.values()].flat().flatMap((f) => (f.kind === 'overhead' ? [f.mode] : [])));
    return OVERHEAD_MODES.filter((m) => modes.has(m)).map((m) => overheadRanking(rows, m));
  },
  missing: (sources) => (sources.length && !sources.some((s) => isOverheadRun(s.r))
    ? ['no overhead run: the overhead crossovers and the overhead ranking need one (`lab run overhead`)'] : []),
};

function overheadAt(s: FindingSource, t: TargetResult, mode: OverheadMode): RowFinding | undefined {
  const at = overheadRankWorkers(s.r, mode);
  const step = t.steps.find((x) => x.load === at);
  const v = step && stepOverhead(step, mode)?.overhead;
  if (typeof v !== 'number') {
    const measuredMode = t.steps.some((x) => typeof stepOverhead(x, mode)?.overhead === 'number');
    return at !== undefined && measuredMode
      ? { kind: 'overhead-unmeasured', run: s.ref.run, mode, workers: at, text: `${mode} mode: no overhead at ${at} workers here (the step failed, was not run, or was left out as measured on a busy machine), so not ranked there (${s.ref.run})` }
      : undefined;
  }
  const interval = step?.intervals?.[`overhead.${mode}`];
  return { kind: 'overhead', run: s.ref.run, mode, workers: at!, overhead: v, ...(interval ? { interval } : {}), text: `${mode} mode: ${ratio(v)}${intervalSuffix(interval, ratio)} overhead at ${at} workers (${s.ref.run})` };
}

function crossoverFinding(s: FindingSource, mode: OverheadMode, xs: Crossover[]): RowFinding | undefined {
  if (!xs.length) return undefined;
  const crossings = xs.map((x) => ({ other: x.other, workers: x.workers, overhead: x.rising_overhead, other_overhead: x.other_overhead }));
  return { kind: 'crossover', run: s.ref.run, mode, crossings,
    text: `${mode} mode: crosses ${crossings.map((x) => `${x.other} at ${x.workers} workers (${ratio(x.overhead)} vs ${ratio(x.other_overhead)})`).join(', ')}, and stays more than 10% above (${s.ref.run})` };
}

/**
 * 1000 workers when any row measured it in that mode (the rows that did not, because a step
 * failed or the scenario stopped short, are named apart and not ranked); else the largest count
 * every row measured. A row that failed one step no longer pulls every row down to 10 workers.
 */
function overheadRankWorkers(r: RunResults, mode: OverheadMode): number | undefined {
  const counts = r.targets
    .map((t) => new Set(t.steps.filter((s) => typeof stepOverhead(s, mode)?.overhead === 'number').map((s) => s.load)))
    .filter((c) => c.size > 0);
  if (!counts.length) return undefined;
  if (counts.some((c) => c.has(OVERHEAD_RANK_WORKERS))) return OVERHEAD_RANK_WORKERS;
  const shared = [...counts[0]!].filter((w) => counts.every((c) => c.has(w)));
  return shared.length ? Math.max(...shared) : undefined;
}

/**
 * How far one trial's overhead lands from its step's median (core/stats trialSpread, 0.9
 * quantile, rounded up to a percent) at the step a ranking reads (1000 workers), over the
 * committed overhead runs with trials of every row; a one-trial run (the tour) ranks with it.
 * Over every step it would be 4% (pool): the small pools repeat within a percent, the large
 * ones swing (node-eventloop's pool at 1000 read 1.68, 1.22 and 1.58 in one run), and a spread
 * taken from the first ranked the tour's single trials apart where trials tie them.
 * test/results/single-trial-spread.test.ts recomputes it.
 */
const OVERHEAD_SPREAD_BASIS = 'docs/results/trials/overhead, docs/results/trials-repeat/overhead, docs/results/trials-fresh/overhead and docs/results/fresh-steps/overhead: 4 runs x 15 rows x the step of 1000 workers x 3 trials';
export const OVERHEAD_SINGLE_TRIAL_SPREAD: Record<OverheadMode, { fraction: number; basis: string }> = {
  pool: { fraction: 0.15, basis: OVERHEAD_SPREAD_BASIS },
  spawn: { fraction: 0.07, basis: OVERHEAD_SPREAD_BASIS },
};

function overheadRanking(rows: Map<string, RowFinding[]>, mode: OverheadMode): Ranking {
  const list = firstOf(rows, 'overhead', (f) => f.mode === mode).sort((a, b) => a.f.overhead - b.f.overhead);
  const workers = [...new Set(list.map((x) => x.f.workers))];
  const unranked = firstOf(rows, 'overhead-unmeasured', (f) => f.mode === mode).map((x) => x.row);
  return {
    question: `Lowest overhead at ${workers.join(' / ')} workers, ${mode} mode`, unit: 'elapsed / ideal, 1.00 = a perfect pool', order: 'lowest first', ideal: OVERHEAD_IDEAL, single_trial_spread: OVERHEAD_SINGLE_TRIAL_SPREAD[mode],
    basis: basisOf(list.map((x) => x.f.run), workers.includes(OVERHEAD_RANK_WORKERS)
      ? `${mode} mode only${unranked.length ? `; no figure at ${OVERHEAD_RANK_WORKERS} workers here (a failed or busy step), so not ranked: ${unranked.join(', ')}` : ''}`
      : `${OVERHEAD_RANK_WORKERS} workers measured by no row: the largest count they all measured`),
    entries: list.map(({ row, f }) => ({ row, value: f.overhead, run: f.run, ...(f.interval ? { interval: f.interval } : {}), text: `${ratio(f.overhead)}${intervalSuffix(f.interval, ratio)}` })),
  };
}

/** Adds its findings to RowFinding (model/findings.ts names no executor). */
declare module '../../model/findings.js' {
  interface RowFindingKinds {
    overhead: OverheadFinding;
  }
}
