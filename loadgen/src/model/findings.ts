import { fixed } from '../core/units.js';
import { spreadInterval, tieGroups } from '../core/stats/index.js';
import { loadLabel } from './derived.js';
import type { Slope } from './step-timeline.js';
import type { RunResults } from './results.js';

// The shapes of computed findings (results/findings.ts) and the helpers every executor's
// findings share. Each kind of row finding is declared by the executor (or step plugin) that finds
// it, which adds it to RowFindingKinds; this file names none of them.

export interface RunRef {
  /** The scenario name, plus the start time when several runs share it. */
  run: string;
  scenario: string;
  executor: string;
  started_at: string;
  cpus: number;
  runtime: string;
}

/** Findings from steps' timelines (each event's recovery, leak slopes), whatever their executor (results/timeline-findings.ts finds them). */
export type TimelineFinding =
  | { kind: 'recovery'; run: string; load: number; event: string; recovered: boolean; recovery_s: number | null; failed_requests: number; text: string }
  | { kind: 'slopes'; run: string; load: number; window_s: number; possible_leak: boolean; slopes: Slope[]; text: string };

/**
 * Every kind of row finding, by who finds it: executors and step plugins add theirs with
 * `declare module` beside their findings code (the key is only a name; RowFinding is the union).
 */
export interface RowFindingKinds {
  timeline: TimelineFinding;
}

export type RowFinding = RowFindingKinds[keyof RowFindingKinds];

export interface RowFindings {
  row: string;
  items: RowFinding[];
}

export interface Ranking {
  question: string;
  /** What the value is, e.g. 'req/s per CPU-second'. */
  unit: string;
  /** Where the figures come from (runs, and the step each is taken at). */
  basis: string;
  order: 'highest first' | 'lowest first';
  entries: RankEntry[];
  /**
   * Where the figure has an ideal (overhead 1.00x: a perfect pool): rows whose interval reaches
   * within `tolerance` of it all sit on the ideal line, and are tied, not ranked.
   */
  ideal?: { value: number; tolerance: number };
  /** Rows left out: their figure is below the measurement's noise floor (e.g. negative bytes per connection). */
  below_floor?: { row: string; run: string; text: string }[];
  /**
   * What an entry of one trial (no interval: the tour) is ranked with instead of a point: its
   * value +- `fraction`, how far one trial of this figure lands from its step's median over the
   * lab's runs with trials (core/stats trialSpread; `basis` says which).
   */
  single_trial_spread?: { fraction: number; basis: string };
}

export interface RankEntry {
  row: string;
  value: number;
  run: string;
  text: string;
  /** The figure over the step's trials (step.intervals); absent: one trial, the value is a point. */
  interval?: { median: number; lo: number; hi: number; n: number };
  /** Competition rank (1, 2, 2, 4): entries sharing one are tied within noise (rankWithinNoise). */
  rank?: number;
  tied?: boolean;
}

/**
 * Ranks only where intervals separate (core/stats tieGroups): the entries in order of their
 * medians, each group tied within noise sharing a rank; rows on the ideal line form one group.
 */
export function rankWithinNoise(k: Ranking): Ranking {
  const best = k.order === 'highest first' ? 'higher' : 'lower';
  const spread = k.single_trial_spread?.fraction;
  const summary = (e: RankEntry) => (e.interval && e.interval.n > 1 ? e.interval : spread !== undefined ? spreadInterval(e.value, spread) : { median: e.value, lo: e.value, hi: e.value });
  // On the line: the figure's interval reaches the ideal, within its tolerance (a single trial's
  // spread may reach below it: 1.07x +- 15% spans 1.00x as much as 1.17x does).
  const onLine = k.ideal ? k.entries.filter((e) => summary(e).lo <= k.ideal!.value + k.ideal!.tolerance && summary(e).hi >= k.ideal!.value - k.ideal!.tolerance) : [];
  const rest = k.entries.filter((e) => !onLine.includes(e));
  const groups = [...(onLine.length ? [onLine] : []), ...tieGroups(rest, summary, best)];
  const entries: RankEntry[] = [];
  for (const g of groups) {
    const rank = entries.length + 1;
    for (const e of g) entries.push({ ...e, rank, tied: g.length > 1 });
  }
  return { ...k, entries };
}

/** `1. row: text`, `2. row: text (tied within noise)`: the lines of a ranking (summary.md; the web page says the same). */
export function rankingLines(k: Ranking): string[] {
  const out = k.entries.map((e, i) => `${e.rank ?? i + 1}. ${e.row}: ${e.text}${e.tied ? ' (tied within noise)' : ''}`);
  if (k.entries.length > 1 && k.entries.every((e) => e.tied)) out.unshift('All tied within noise: no row is ranked above another.');
  for (const b of k.below_floor ?? []) out.push(`- ${b.row}: ${b.text} (below the measurement's noise floor: not ranked)`);
  const single = k.single_trial_spread;
  if (single && k.entries.some((e) => !(e.interval && e.interval.n > 1))) {
    out.push(`_One trial: a figure counts as +-${(single.fraction * 100).toFixed(0)}% of its value, how far one trial lands from the median (${single.basis}); rows within it are tied._`);
  }
  return out;
}

/** ` [lo, hi] (n)` after a figure measured over several trials; '' for one trial. */
export function intervalSuffix(i: RankEntry['interval'], format: (v: number) => string): string {
  return i && i.n > 1 ? ` [${format(i.lo)}, ${format(i.hi)}] (${i.n})` : '';
}

export interface Findings {
  runs: RunRef[];
  rows: RowFindings[];
  rankings: Ranking[];
  /** What the runs could not answer, and how to get it. */
  notes: string[];
}

/** One run and how findings name it. */
export interface FindingSource {
  ref: RunRef;
  r: RunResults;
}

/** Per row, the first run's figure of one kind (runs in the order given). */
export function firstOf<K extends RowFinding['kind']>(rows: Map<string, RowFinding[]>, kind: K, pick: (f: Extract<RowFinding, { kind: K }>) => boolean = () => true) {
  const out: { row: string; f: Extract<RowFinding, { kind: K }> }[] = [];
  for (const [row, items] of rows) {
    const f = items.find((i): i is Extract<RowFinding, { kind: K }> => i.kind === kind && pick(i as Extract<RowFinding, { kind: K }>));
    if (f) out.push({ row, f });
  }
  return out;
}

export function basisOf(runs: string[], what: string): string {
  const set = [...new Set(runs)];
  return `${what}; ${set.join(', ')}`;
}

export function unitOf(r: RunResults): string {
  return loadLabel(r.load_unit);
}

/** A number with fixed digits, '-' when not finite (core/units fixed, under the name the findings use). */
export const fmt: (v: number, digits: number) => string = fixed;
