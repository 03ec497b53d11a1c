import { formatBytes } from '../../core/units.js';
import { aboveFloor } from '../../core/stats/index.js';
import { basisOf, firstOf, fmt, intervalSuffix, type FindingSource, type Ranking, type RankEntry, type RowFinding } from '../../model/findings.js';
import type { RunResults, StepResult } from '../../model/results.js';
import type { FindingsPart } from '../common/view.js';

// What idle-connections runs tell in the Findings: threads and bytes per idle connection per row, and who needs least.

export type IdleFinding = {
  kind: 'idle'; run: string; connections: number; threads_per_connection: number | null; bytes_per_connection: number | null; text: string;
  interval?: RankEntry['interval'];
  /** The noise floor of bytes per connection (RSS drift with no connection, per connection), its highest over the trials; 0 when not measured. */
  floor_bytes: number;
};

export const idleFindings: FindingsPart = {
  applies: isIdleRun,
  row: (s, t) => [idleFinding(s, t.steps)],
  rankings: (rows) => [idleRanking(rows)],
  missing: (sources) => (sources.some((s) => isIdleRun(s.r)) || !sources.length ? []
    : ['no idle-connections run: threads and bytes per idle connection need one (`lab run idle-connections`)']),
};

/** The step with the most connections open: the fixed cost of the process weighs least there. */
function idleFinding(s: FindingSource, steps: StepResult[]): RowFinding | undefined {
  const usable = steps.filter((x) => x.idle_connections && x.idle_connections.connections_open > 0 && (x.idle_connections.bytes_per_connection !== null || x.idle_connections.threads_per_connection !== null));
  const top = usable.reduce<StepResult | undefined>((a, b) => (!a || b.idle_connections!.connections_open > a.idle_connections!.connections_open ? b : a), undefined);
  if (!top) return undefined;
  const i = top.idle_connections!;
  const interval = top.intervals?.['idle.bytes_per_connection'];
  const floor = top.intervals?.['idle.floor_bytes_per_connection']?.hi ?? i.floor_bytes_per_connection ?? 0;
  return { kind: 'idle', run: s.ref.run, connections: i.connections_open, threads_per_connection: i.threads_per_connection, bytes_per_connection: i.bytes_per_connection,
    ...(interval ? { interval } : {}), floor_bytes: floor,
    text: `${i.threads_per_connection === null ? '-' : fmt(i.threads_per_connection, 3)} threads and ${i.bytes_per_connection === null ? '-' : formatBytes(i.bytes_per_connection)}${intervalSuffix(interval, formatBytes)} per idle connection (at ${i.connections_open} open${floor > 0 ? `; noise floor ${formatBytes(floor)}` : ''}; ${s.ref.run})` };
}

/**
 * How far one trial's bytes per idle connection lands from its step's median (core/stats
 * trialSpread, 0.9 quantile, rounded up to a percent) at the steps a ranking may read (1000 and
 * 5000 connections: the most open), over the committed idle-connections run whose every step of
 * every trial met a fresh process (`fresh_process: step`; with one process per round, trials 2
 * and 3 read the arenas the first had grown, and a step the arenas of the step before it). A
 * one-trial run (the tour) ranks with it. test/results/single-trial-spread.test.ts recomputes it.
 */
export const IDLE_SINGLE_TRIAL_SPREAD = { fraction: 0.05, basis: 'docs/results/fresh-steps/idle-connections: 1 run x 15 rows x the steps of 1000 and 5000 connections x 3 trials, each step on a fresh process' };

function idleRanking(rows: Map<string, RowFinding[]>): Ranking {
  const all = firstOf(rows, 'idle', (f) => f.bytes_per_connection !== null);
  // A figure counts only above its floor (core/stats aboveFloor): negative bytes per connection never does.
  const counts = ({ f }: (typeof all)[number]) => aboveFloor(f.interval ?? { lo: f.bytes_per_connection! }, { hi: f.floor_bytes });
  const list = all.filter(counts).sort((a, b) => a.f.bytes_per_connection! - b.f.bytes_per_connection!);
  return {
    below_floor: all.filter((x) => !counts(x)).map(({ row, f }) => ({ row, run: f.run,
      text: `${formatBytes(f.bytes_per_connection)}${intervalSuffix(f.interval, formatBytes)} per connection, floor ${formatBytes(f.floor_bytes)} (RSS drift with no connection open over the same time)` })),
    question: 'Least memory per idle connection', unit: 'RSS bytes per connection', order: 'lowest first', single_trial_spread: IDLE_SINGLE_TRIAL_SPREAD,
    basis: basisOf(list.map((x) => x.f.run), 'at the step with the most connections open'),
    entries: list.map(({ row, f }) => ({ row, value: f.bytes_per_connection!, run: f.run, ...(f.interval ? { interval: f.interval } : {}),
      text: `${formatBytes(f.bytes_per_connection)}${intervalSuffix(f.interval, formatBytes)} (${f.threads_per_connection === null ? '-' : fmt(f.threads_per_connection, 3)} threads per connection, ${f.connections} open)` })),
  };
}

function isIdleRun(r: RunResults): boolean {
  return r.targets.some((t) => t.steps.some((x) => x.idle_connections));
}

/** Adds its findings to RowFinding (model/findings.ts names no executor). */
declare module '../../model/findings.js' {
  interface RowFindingKinds {
    'idle-connections': IdleFinding;
  }
}
