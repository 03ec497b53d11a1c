import { mannWhitney, smallestPossibleP } from './mann-whitney.js';
import { median, medianInterval, sorted } from './median.js';

// The shapes the lab publishes for a figure measured over trials, and the two judgements made
// from them: is a change between two sets significant (benchstat's `~`), and which rows can be
// ranked apart (intervals that do not overlap) and which are tied within noise.

export interface Summary {
  median: number;
  /** 95% interval on the median (order statistics); min..max when n < 6, see `coverage`. */
  lo: number;
  hi: number;
  n: number;
  min: number;
  max: number;
  /** The interval's real coverage: >= 0.95, or less when n is too small to reach it. */
  coverage: number;
}

export function summarize(values: readonly number[], confidence = 0.95): Summary {
  const s = sorted(values);
  if (s.length === 0) throw new RangeError('summary of no values');
  const interval = medianInterval(s, confidence);
  return { median: median(s), lo: interval.lo, hi: interval.hi, n: s.length, min: s[0]!, max: s[s.length - 1]!, coverage: interval.coverage };
}

export interface Comparison {
  /** median(b) - median(a). */
  delta: number;
  /** delta / |median(a)|; null when median(a) is 0. */
  deltaPct: number | null;
  p: number;
  significant: boolean;
  /** benchstat's cell: '~' when not significant, else the signed percentage ('+12.3%'). */
  symbol: string;
  /** Set when these sample sizes can never reach alpha, whatever the values (e.g. 3 vs 3). */
  note?: string;
}

export function compare(a: readonly number[], b: readonly number[], alpha = 0.05): Comparison {
  const ma = median(a);
  const mb = median(b);
  const delta = mb - ma;
  const deltaPct = ma === 0 ? null : delta / Math.abs(ma);
  const { p } = mannWhitney(a, b);
  const significant = p < alpha;
  const floor = smallestPossibleP(a.length, b.length);
  const note = floor >= alpha ? `need more trials: with ${a.length} and ${b.length} the smallest possible p is ${floor.toFixed(3)}` : undefined;
  const symbol = significant ? signedChange(delta, deltaPct) : '~';
  return { delta, deltaPct, p, significant, symbol, ...(note ? { note } : {}) };
}

/** A change as benchstat prints it: '+12.3%', or '+inf' / '-inf' from a median of 0. */
export function signedChange(delta: number, deltaPct: number | null): string {
  if (deltaPct === null) return delta > 0 ? '+inf' : '-inf';
  return `${deltaPct >= 0 ? '+' : ''}${(deltaPct * 100).toFixed(1)}%`;
}

/** True when the two intervals do not overlap: the one ranking the lab allows. */
export function separates(a: Pick<Summary, 'lo' | 'hi'>, b: Pick<Summary, 'lo' | 'hi'>): boolean {
  return a.hi < b.lo || b.hi < a.lo;
}

/**
 * Whether a figure stands above its measurement floor: the same measurement taken with nothing
 * to measure (RSS drift with no connections over the same time, CPU of an idle row). Below it,
 * or negative, the figure is noise: reported as "below the noise floor", never ranked.
 */
export function aboveFloor(figure: Pick<Summary, 'lo'>, floor: Pick<Summary, 'hi'>): boolean {
  return figure.lo > 0 && figure.lo > Math.abs(floor.hi);
}

/**
 * Rows in order of their medians (best first), cut into groups tied within noise. A group is
 * led by its best row; the next row joins it unless its interval separates from the leader's.
 * Measuring from the leader (not the last member) keeps a chain of small overlaps from tying
 * rows whose intervals are far apart; a row may still overlap a member of the next group.
 */
export function tieGroups<T>(rows: readonly T[], summaryOf: (row: T) => Pick<Summary, 'median' | 'lo' | 'hi'>, best: 'higher' | 'lower' = 'higher'): T[][] {
  const sign = best === 'higher' ? -1 : 1;
  const ordered = [...rows].sort((x, y) => sign * (summaryOf(x).median - summaryOf(y).median));
  const groups: T[][] = [];
  for (const row of ordered) {
    const group = groups[groups.length - 1];
    if (group && !separates(summaryOf(group[0]!), summaryOf(row))) group.push(row);
    else groups.push([row]);
  }
  return groups;
}
