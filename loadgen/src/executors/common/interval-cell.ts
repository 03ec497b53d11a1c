import type { StepResult } from '../../model/results.js';

// A table cell of a published figure (ResultView.figures key) with how sure it is: `median [lo,
// hi] (n)` when the step has more than one trial, else the value alone (one trial, or a run
// written before trials). The median is the figures' median over the trials, which may differ
// from the representative trial's own value of that figure by less than the interval.

export function intervalCell(s: StepResult, key: string, format: (v: number) => string, plain: string): string {
  const i = s.intervals?.[key];
  if (!i || i.n < 2) return plain;
  return `${format(i.median)} [${format(i.lo)}, ${format(i.hi)}] (${i.n})`;
}
