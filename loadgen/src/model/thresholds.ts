import { parseDurationSeconds } from '../core/units.js';

// Thresholds are k6-style pass/fail rules over every measured step of every target:
//   p50|p90|p99|p999|max <op> <duration>   latency, e.g. `p99 < 2s`, `p50 <= 150ms`
//   errors <op> <percent>%                  failed requests / all requests, e.g. `errors < 1%`
//   rps <op> <number>                       achieved throughput, e.g. `rps > 100`

export type ThresholdMetric = 'p50' | 'p90' | 'p99' | 'p999' | 'max' | 'errors' | 'rps';
export type ThresholdOp = '<' | '<=' | '>' | '>=';

export interface Threshold {
  source: string;
  metric: ThresholdMetric;
  op: ThresholdOp;
  /** Milliseconds for latency metrics, percent for errors, req/s for rps. */
  value: number;
}

const EXPR = /^\s*(p50|p90|p99|p999|max|errors|rps)\s*(<=|>=|<|>)\s*(\S+)\s*$/;

/** The parsed threshold, or an error message saying what a valid one looks like. */
export function parseThreshold(source: string): Threshold | string {
  const m = EXPR.exec(source);
  if (!m) {
    return `'${source}' is not a threshold; expected '<metric> <op> <value>' with metric p50|p90|p99|p999|max|errors|rps and op < <= > >=, e.g. 'p99 < 2s', 'errors < 1%', 'rps > 100'`;
  }
  const metric = m[1] as ThresholdMetric;
  const op = m[2] as ThresholdOp;
  const raw = m[3]!;
  if (metric === 'errors') {
    const pm = /^(\d+(?:\.\d+)?)%$/.exec(raw);
    if (!pm) return `'${source}': errors takes a percentage such as '1%'`;
    return { source, metric, op, value: Number(pm[1]) };
  }
  if (metric === 'rps') {
    if (!/^\d+(?:\.\d+)?$/.test(raw)) return `'${source}': rps takes a number of requests per second such as '100'`;
    return { source, metric, op, value: Number(raw) };
  }
  const s = parseDurationSeconds(raw);
  if (s === undefined) return `'${source}': ${metric} takes a duration such as '2s' or '150ms'`;
  return { source, metric, op, value: s * 1000 };
}

export function compare(actual: number, op: ThresholdOp, limit: number): boolean {
  switch (op) {
    case '<': return actual < limit;
    case '<=': return actual <= limit;
    case '>': return actual > limit;
    case '>=': return actual >= limit;
  }
}
