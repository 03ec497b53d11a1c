import { loadLabel } from './derived.js';
import type { Slope } from './story.js';
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

/** Findings from what steps told over time, whatever their executor (results/story-findings.ts finds them). */
export type StoryFinding =
  | { kind: 'recovery'; run: string; load: number; event: string; recovered: boolean; recovery_s: number | null; failed_requests: number; text: string }
  | { kind: 'slopes'; run: string; load: number; window_s: number; possible_leak: boolean; slopes: Slope[]; text: string };

/**
 * Every kind of row finding, by who finds it: executors and step plugins add theirs with
 * `declare module` beside their findings code (the key is only a name; RowFinding is the union).
 */
export interface RowFindingKinds {
  story: StoryFinding;
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
  entries: { row: string; value: number; run: string; text: string }[];
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

export function fmt(v: number, digits: number): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '-';
}
