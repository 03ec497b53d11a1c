import type { StepResult } from '../../model/results.js';
import type { Measurement } from '../common/executor.js';

// The head-of-line step's figures (StepResult.head_of_line): what the executor writes and its
// view and findings read.

/** One class of requests in one window. */
export interface ClassFigures {
  requests: number;
  ok: number;
  duration_s: number;
  rps: number;
  p50_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
  /** Timeouts + connection errors + non-2xx + wrong bodies. */
  errors: number;
}

export interface HeadOfLineMeasurement {
  heavy_cpu_ms: number;
  heavy_every_ms: number;
  /** Light requests while the heavy stream ran (first half of measure). */
  light: ClassFigures;
  /** The heavy requests of the same window. */
  heavy: ClassFigures;
  /** Light requests after the heavy stream stopped (second half): the baseline. */
  light_alone: ClassFigures;
  /** The row's CPU seconds in each window. */
  server_cpu_s: { with_heavy: number | null; alone: number | null };
}

export interface HeadOfLineFields {
  head_of_line?: HeadOfLineMeasurement;
}

export function classFigures(m: Measurement): ClassFigures {
  const e = m.errors;
  const mismatches = e.by_kind.mismatch ?? 0;
  return {
    requests: m.requests, ok: m.ok, duration_s: m.durationS,
    rps: m.durationS > 0 ? Math.round((m.ok / m.durationS) * 1000) / 1000 : 0,
    p50_ms: m.latencyMs.p50, p99_ms: m.latencyMs.p99, max_ms: m.latencyMs.max,
    errors: e.timeouts + e.connection + e.non2xx + mismatches,
  };
}

/** Light p99 with heavy beside over light p99 alone (null without both). */
export function p99Ratio(s: StepResult): number | null {
  const h = s.head_of_line;
  return h && h.light.p99_ms !== null && h.light_alone.p99_ms !== null && h.light_alone.p99_ms > 0 ? h.light.p99_ms / h.light_alone.p99_ms : null;
}
