import { normalCdf } from './normal.js';

// The Mann-Whitney U test, as benchstat compares two sets of runs (golang.org/x/perf,
// internal/stats/utest.go): U counts the pairs where a's value is above b's, ties as 1/2.
// Small samples use the exact distribution of U under the null (every way of splitting the
// pooled ranks into the two groups is equally likely), computed with the ties as they are;
// larger ones the normal approximation with tie and continuity correction.
// One difference from benchstat: the exact two-sided p is P(|U - n1 n2/2| >= |u - n1 n2/2|),
// which is benchstat's 2 * CDF(min U) without ties and stays right with them (benchstat's
// doubling gives p = 0 for {1,2,3,5} vs {1,1,1,1,1}).

/** Above this many values in either sample, the normal approximation (exact at 25 a side: tens of ms). */
export const EXACT_LIMIT = 25;

export interface UTestResult {
  n1: number;
  n2: number;
  /** Pairs (x from a, y from b) with x > y, plus half the ties: 0..n1*n2. */
  u: number;
  /** Two-sided p-value; 1 when every value is equal (nothing to tell apart). */
  p: number;
  method: 'exact' | 'normal';
}

interface Ranked {
  /** Sizes of the groups of equal values, in increasing order of value. */
  ties: number[];
  /** How many of a's values are in each group. */
  fromA: number[];
}

function rank(a: readonly number[], b: readonly number[]): Ranked {
  const pooled = [...a.map((v) => ({ v, fromA: 1 })), ...b.map((v) => ({ v, fromA: 0 }))].sort((x, y) => x.v - y.v);
  const ties: number[] = [];
  const fromA: number[] = [];
  for (let i = 0; i < pooled.length; ) {
    let j = i;
    let inA = 0;
    while (j < pooled.length && pooled[j]!.v === pooled[i]!.v) inA += pooled[j++]!.fromA;
    ties.push(j - i);
    fromA.push(inA);
    i = j;
  }
  return { ties, fromA };
}

/** 2*R (twice a's rank sum) for a choice of how many of a's values fall in each tie group. */
function twiceRankSum(ties: readonly number[], counts: readonly number[]): number {
  let before = 0;
  let twoR = 0;
  ties.forEach((t, g) => {
    twoR += counts[g]! * (2 * before + t + 1); // each gets the group's mid-rank (before + (t+1)/2)
    before += t;
  });
  return twoR;
}

function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return Math.round(c);
}

/**
 * The exact null distribution of 2R over the tie groups: a dynamic programme over groups with
 * state (values of a placed so far, 2R so far) -> number of arrangements. Counts stay below
 * C(50, 25) ~ 1.3e14, exact in a double.
 */
function exactTwoSidedP(ties: readonly number[], n1: number, observedTwoR: number): number {
  const n = ties.reduce((s, t) => s + t, 0);
  const maxTwoR = n1 * (2 * n + 1);
  const width = maxTwoR + 1;
  let dp = new Float64Array((n1 + 1) * width);
  dp[0] = 1;
  let before = 0;
  for (const t of ties) {
    const next = new Float64Array(dp.length);
    const perValue = 2 * before + t + 1;
    for (let placed = 0; placed <= n1; placed++) {
      for (let twoR = 0; twoR < width; twoR++) {
        const ways = dp[placed * width + twoR]!;
        if (ways === 0) continue;
        for (let r = 0; r <= t && placed + r <= n1; r++) {
          const at = (placed + r) * width + twoR + r * perValue;
          next[at] = next[at]! + ways * choose(t, r);
        }
      }
    }
    dp = next;
    before += t;
  }
  // U = R - n1(n1+1)/2, so |2U - n1 n2| = |2R - n1(n + 1)|: compare distances from the centre.
  const centre = n1 * (n + 1);
  const observed = Math.abs(observedTwoR - centre);
  let total = 0;
  let extreme = 0;
  for (let twoR = 0; twoR < width; twoR++) {
    const ways = dp[n1 * width + twoR]!;
    total += ways;
    // A relative tolerance would not help here: 2R values are integers.
    if (Math.abs(twoR - centre) >= observed) extreme += ways;
  }
  return Math.min(1, extreme / total);
}

export function mannWhitney(a: readonly number[], b: readonly number[]): UTestResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError(`Mann-Whitney needs values on both sides (got ${n1} and ${n2})`);
  for (const v of [...a, ...b]) if (!Number.isFinite(v)) throw new RangeError(`not a finite number: ${v}`);
  const { ties, fromA } = rank(a, b);
  const twoR = twiceRankSum(ties, fromA);
  const u = (twoR - n1 * (n1 + 1)) / 2;
  if (ties.length === 1) return { n1, n2, u, p: 1, method: n1 <= EXACT_LIMIT && n2 <= EXACT_LIMIT ? 'exact' : 'normal' };
  if (n1 <= EXACT_LIMIT && n2 <= EXACT_LIMIT) return { n1, n2, u, p: exactTwoSidedP(ties, n1, twoR), method: 'exact' };
  const n = n1 + n2;
  const tieSum = ties.reduce((s, t) => s + t * t * t - t, 0);
  const sigma = Math.sqrt((n1 * n2 * (n + 1 - tieSum / (n * (n - 1)))) / 12);
  let numer = u - (n1 * n2) / 2;
  numer -= Math.sign(numer) * 0.5; // continuity correction, as benchstat
  const z = numer / sigma;
  // The lower tail of -|z|, not 1 - CDF: that would round small p-values to 0.
  return { n1, n2, u, p: Math.min(1, 2 * normalCdf(-Math.abs(z))), method: 'normal' };
}

/**
 * The smallest two-sided p any outcome can give with these sample sizes (no ties): 2 / C(n1+n2, n1).
 * With 3 trials a side it is 0.1, so nothing can be significant at 0.05 (benchstat warns the same way).
 */
export function smallestPossibleP(n1: number, n2: number): number {
  return Math.min(1, 2 / choose(n1 + n2, n1));
}
