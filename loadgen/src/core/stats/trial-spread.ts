import { median, sorted } from './median.js';

// How far one trial lands from its step's median, measured over runs with several trials. A
// run of one trial (the tour) has no interval of its own; its rankings borrow this spread, so
// that two rows a single trial puts a few percent apart are tied, as repeated trials tie them.

/**
 * The `quantile` (0.9: nine trials in ten land closer) of |trial - median| / |median| over every
 * trial of every cell (a row's step: its trials' values of one figure). Cells of fewer than 3
 * trials or a median of 0 say nothing and are left out; undefined when none is left.
 */
export function trialSpread(cells: readonly (readonly number[])[], quantile = 0.9): number | undefined {
  const deviations: number[] = [];
  for (const values of cells) {
    if (values.length < 3) continue;
    const m = median(values);
    if (m === 0) continue;
    for (const v of values) deviations.push(Math.abs(v - m) / Math.abs(m));
  }
  if (!deviations.length) return undefined;
  const s = sorted(deviations);
  return s[Math.min(s.length - 1, Math.ceil(quantile * s.length) - 1)]!;
}

/** A single value as an interval of the borrowed spread: `value` +- `fraction` of it. */
export function spreadInterval(value: number, fraction: number): { median: number; lo: number; hi: number } {
  const d = Math.abs(value) * fraction;
  return { median: value, lo: value - d, hi: value + d };
}
