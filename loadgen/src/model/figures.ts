// The figures a step publishes (ResultView.figures): one number per key, with how to read it.
// Trials (issue 18) repeat a step and summarize each key over the trials (step.intervals);
// compare and findings rank rows by them. Keys are stable: contract/README.md, "Figures", lists
// every key and its meaning; a view adds keys, never renames one.

export interface Figure {
  /** Stable dotted key, e.g. `rps`, `latency.p99_ms`, `overhead.pool`, `idle.bytes_per_connection`. */
  key: string;
  /** For people: `req/s`, `p99`, `overhead (pool)`. */
  label: string;
  /** `req/s`, `ms`, `%`, `bytes`, `x`, `s`, `threads`... */
  unit: string;
  /** Which way is better when ranking rows; 'none' when neither is (a ratio that should be 1). */
  better: 'higher' | 'lower' | 'none';
  /** null: the step has no such figure (no answers, no CPU sample). */
  value: number | null;
}

/** A finite number or null: figures never carry NaN or Infinity. */
export function figureValue(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
