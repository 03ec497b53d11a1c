// The median and a distribution-free interval on it. Trials of a step on a shared machine are
// not normal (bursts of foreign load make long right tails), so the interval uses order
// statistics: [x(k), x(n-k+1)] covers the true median with probability 1 - 2*P(B <= k-1) for
// B ~ Binomial(n, 1/2), whatever the distribution (any textbook on nonparametric statistics).

export function sorted(values: readonly number[]): number[] {
  for (const v of values) if (!Number.isFinite(v)) throw new RangeError(`not a finite number: ${v}`);
  return [...values].sort((a, b) => a - b);
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const s = sorted(values);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** P(B <= k) for B ~ Binomial(n, 1/2), exactly enough for the n of trials (sums of C(n,i)/2^n). */
export function binomialHalfCdf(n: number, k: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  let term = Math.pow(0.5, n); // C(n,0)/2^n
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term = (term * (n - i + 1)) / i;
    sum += term;
  }
  return Math.min(1, sum);
}

export interface MedianInterval {
  lo: number;
  hi: number;
  n: number;
  /** The coverage this interval really has (>= the asked confidence when `reached`). */
  coverage: number;
  /** False when n is too small for the asked confidence: the interval is min..max and covers less. */
  reached: boolean;
  /** 1-based ranks of lo and hi among the sorted values. */
  ranks: [number, number];
}

/** The narrowest symmetric order-statistic interval with coverage >= confidence (default 95%). */
export function medianInterval(values: readonly number[], confidence = 0.95): MedianInterval {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  const s = sorted(values);
  const n = s.length;
  if (n === 0) throw new RangeError('interval of no values');
  // Widen from the middle: the largest k whose interval [x(k), x(n-k+1)] still covers enough.
  let k = 1;
  while (k + 1 <= (n + 1) / 2 && 1 - 2 * binomialHalfCdf(n, k) >= confidence) k++;
  const coverage = n === 1 ? 0 : 1 - 2 * binomialHalfCdf(n, k - 1);
  return { lo: s[k - 1]!, hi: s[n - k]!, n, coverage, reached: coverage >= confidence, ranks: [k, n - k + 1] };
}

/** The fewest values for which medianInterval reaches the confidence (6 at 95%). */
export function minTrialsFor(confidence = 0.95): number {
  let n = 1;
  while (1 - 2 * Math.pow(0.5, n) < confidence) n++;
  return n;
}
