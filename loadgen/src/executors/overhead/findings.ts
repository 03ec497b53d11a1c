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
  if (typeof v !== 'number') return undefined;
  const interval = step?.intervals?.[`overhead.${mode}`];
  return { kind: 'overhead', run: s.ref.run, mode, workers: at!, overhead: v, ...(interval ? { interval } : {}), text: `${mode} mode: ${ratio(v)}${intervalSuffix(interval, ratio)} overhead at ${at} workers (${s.ref.run})` };
}

function crossoverFinding(s: FindingSource, mode: OverheadMode, xs: Crossover[]): RowFinding | undefined {
  if (!xs.length) return undefined;
  const crossings = xs.map((x) => ({ other: x.other, workers: x.workers, overhead: x.rising_overhead, other_overhead: x.other_overhead }));
  return { kind: 'crossover', run: s.ref.run, mode, crossings,
    text: `${mode} mode: crosses ${crossings.map((x) => `${x.other} at ${x.workers} workers (${ratio(x.overhead)} vs ${ratio(x.other_overhead)})`).join(', ')}, and stays more than 10% above (${s.ref.run})` };
}

/** 1000 workers when every row measured it in that mode, else the largest count they all measured. */
function overheadRankWorkers(r: RunResults, mode: OverheadMode): number | undefined {
  const counts = r.targets
    .map((t) => new Set(t.steps.filter((s) => typeof stepOverhead(s, mode)?.overhead === 'number').map((s) => s.load)))
    .filter((c) => c.size > 0);
  if (!counts.length) return undefined;
  const shared = [...counts[0]!].filter((w) => counts.every((c) => c.has(w)));
  if (shared.includes(OVERHEAD_RANK_WORKERS)) return OVERHEAD_RANK_WORKERS;
  return shared.length ? Math.max(...shared) : undefined;
}

function overheadRanking(rows: Map<string, RowFinding[]>, mode: OverheadMode): Ranking {
  const list = firstOf(rows, 'overhead', (f) => f.mode === mode).sort((a, b) => a.f.overhead - b.f.overhead);
  const workers = [...new Set(list.map((x) => x.f.workers))];
  return {
    question: `Lowest overhead at ${workers.join(' / ')} workers, ${mode} mode`, unit: 'elapsed / ideal, 1.00 = a perfect pool', order: 'lowest first', ideal: OVERHEAD_IDEAL,
    basis: basisOf(list.map((x) => x.f.run), workers.includes(OVERHEAD_RANK_WORKERS) ? `${mode} mode only` : `${OVERHEAD_RANK_WORKERS} workers not measured by every row: the largest count they all measured`),
    entries: list.map(({ row, f }) => ({ row, value: f.overhead, run: f.run, ...(f.interval ? { interval: f.interval } : {}), text: `${ratio(f.overhead)}${intervalSuffix(f.interval, ratio)}` })),
  };
}

/** Adds its findings to RowFinding (model/findings.ts names no executor). */
declare module '../../model/findings.js' {
  interface RowFindingKinds {
    overhead: OverheadFinding;
  }
}
