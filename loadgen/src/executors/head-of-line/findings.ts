import { basisOf, firstOf, fmt, intervalSuffix, type FindingSource, type Ranking, type RowFinding } from '../../model/findings.js';
import type { RunResults, StepResult } from '../../model/results.js';
import type { FindingsPart } from '../common/view.js';
import { p99Ratio } from './measurement.js';

// What head-of-line runs tell: per row, the light requests' p99 with heavy requests beside
// against the same light load alone (the step's own baseline), and whether the light ones kept
// their latency. With trials (step.intervals, issue 18) rows are ranked by the light p99 with
// heavy beside, rows whose intervals overlap tied; with one trial by the ratio, and it says so.

/** Light p99 with heavy beside at most this many times the alone p99 counts as unaffected (one trial's noise on a busy machine). */
export const UNAFFECTED_RATIO = 1.2;
const KEY = 'head_of_line.light.p99_ms';

export type HeadOfLineFinding = {
  kind: 'head-of-line'; run: string; connections: number;
  light_p99_ms: number; alone_p99_ms: number; ratio: number; heavy_p99_ms: number | null; unaffected: boolean;
  /** The light p99's interval over trials, when the run took trials. */
  interval?: { median: number; lo: number; hi: number; n: number };
  text: string;
};

export const headOfLineFindings: FindingsPart = {
  applies: isHeadOfLineRun,
  row: (s, t) => [rowFinding(s, t.steps)],
  rankings: (rows) => [ranking(rows)],
  missing: (sources) => (sources.some((s) => isHeadOfLineRun(s.r)) || !sources.length ? []
    : ['no head-of-line run: what heavy requests do to light ones needs one (`lab run head-of-line`)']),
};

/** The step with the most light connections that has both p99s. */
function rowFinding(s: FindingSource, steps: StepResult[]): RowFinding | undefined {
  const top = steps.filter((x) => p99Ratio(x) !== null).sort((a, b) => b.load - a.load)[0];
  if (!top) return undefined;
  const h = top.head_of_line!;
  const ratio = p99Ratio(top)!;
  const unaffected = ratio <= UNAFFECTED_RATIO;
  const interval = intervalOf(top);
  return {
    kind: 'head-of-line', run: s.ref.run, connections: top.load, light_p99_ms: h.light.p99_ms!, alone_p99_ms: h.light_alone.p99_ms!, ratio,
    heavy_p99_ms: h.heavy.p99_ms, unaffected, ...(interval ? { interval } : {}),
    text: `light p99 ${fmt(h.light.p99_ms!, 1)} ms with a ${h.heavy_cpu_ms} ms CPU request every ${h.heavy_every_ms} ms beside, ${fmt(h.light_alone.p99_ms!, 1)} ms alone `
      + `(x${fmt(ratio, 2)}: ${unaffected ? 'light requests unaffected' : 'light requests wait behind heavy ones'}); heavy p99 ${h.heavy.p99_ms === null ? '-' : fmt(h.heavy.p99_ms, 1)} ms `
      + `(${top.load} light connections; ${s.ref.run})`,
  };
}

// Ordered and tied by results/findings.ts (rankWithinNoise) from each entry's interval, as every
// ranking is: rows whose light p99 intervals overlap share a rank.
function ranking(rows: Map<string, RowFinding[]>): Ranking {
  const list = firstOf(rows, 'head-of-line');
  const withIntervals = list.length > 1 && list.every((x) => x.f.interval);
  return {
    question: 'Light requests least delayed by heavy requests beside them', unit: withIntervals ? 'light p99 with heavy beside, ms' : 'light p99 with heavy / light p99 alone', order: 'lowest first',
    basis: basisOf(list.map((x) => x.f.run), withIntervals
      ? 'light p99 with heavy beside over the trials, rows whose intervals overlap tied'
      : 'one trial per row: single measurements, no intervals to separate them (take trials before reading close places as an order)'),
    entries: list.map(({ row, f }) => ({
      row, value: withIntervals ? f.interval!.median : f.ratio, run: f.run, ...(withIntervals ? { interval: f.interval! } : {}),
      text: `x${fmt(f.ratio, 2)}: ${fmt(f.light_p99_ms, 1)} ms with heavy${intervalSuffix(f.interval, (v) => fmt(v, 1))}, ${fmt(f.alone_p99_ms, 1)} ms alone${f.unaffected ? ' (unaffected)' : ''}`,
    })),
  };
}

/** The light p99's summary over two trials or more, when the step carries one (trials write step.intervals, n = 1 for one trial). */
function intervalOf(s: StepResult): { median: number; lo: number; hi: number; n: number } | undefined {
  const i = (s as { intervals?: Record<string, { median?: unknown; lo?: unknown; hi?: unknown; n?: unknown }> }).intervals?.[KEY];
  const trials = typeof i?.n === 'number' && i.n >= 2;
  return trials && typeof i.median === 'number' && typeof i.lo === 'number' && typeof i.hi === 'number' ? { median: i.median, lo: i.lo, hi: i.hi, n: i.n as number } : undefined;
}

function isHeadOfLineRun(r: RunResults): boolean {
  return r.targets.some((t) => t.steps.some((x) => x.head_of_line));
}

/** Adds its findings to RowFinding (model/findings.ts names no executor). */
declare module '../../model/findings.js' {
  interface RowFindingKinds {
    'head-of-line': HeadOfLineFinding;
  }
}
