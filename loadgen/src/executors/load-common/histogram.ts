import * as hdr from 'hdr-histogram-js';
import type { LatencyMs } from '../../model/results.js';

// Latencies are recorded in microseconds (1 us .. 1 h, 3 significant digits) and reported in ms.

export type LatencyHistogram = hdr.Histogram;

export function latencyHistogram(): LatencyHistogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, autoResize: true });
}

export function recordMs(h: LatencyHistogram, ms: number): void {
  h.recordValue(Math.max(1, Math.round(ms * 1000)));
}

export function latencyOf(h: LatencyHistogram): LatencyMs {
  if (h.totalCount === 0) return { p50: null, p90: null, p99: null, p999: null, max: null };
  const at = (p: number) => h.getValueAtPercentile(p) / 1000;
  const p999 = at(99.9);
  // Percentiles report the top of their HDR bucket, which can sit a hair above the exact max.
  return { p50: at(50), p90: at(90), p99: at(99), p999, max: Math.max(h.maxValue / 1000, p999), mean: Math.round(h.mean) / 1000 };
}
