import { labelsMatch, sumOf, type Sample } from '../core/prom-text.js';
import type { ServerLatencyMs } from '../model/results.js';
import { bucketDeltas, histogramQuantile } from './derive.js';

// The row's own view of its latency (issue 18, "latency you can defend"): the delta of its
// lab_request_duration_seconds histogram between two scrapes, percentiles by interpolation
// inside a bucket (PromQL's histogram_quantile). It is a third witness beside the lab's load
// generator and wrk: it starts when the server has read a request and ends when it wrote the
// answer, so it leaves out the accept backlog, the socket queues and the client's own delays.
// Its resolution is the row's buckets (contract: 1 ms .. 60 s, 30 bounds).

const DURATION = 'lab_request_duration_seconds';

export interface DurationHistogram {
  buckets: Array<{ le: number; count: number }>;
  sum: number;
  count: number;
}

/** The row's request-duration histogram for one protocol, from one scrape; undefined when it has none. */
export function durationHistogram(samples: Sample[], protocol: 'http' | 'line'): DurationHistogram | undefined {
  const byLe = new Map<number, number>();
  for (const s of samples) {
    if (s.name !== `${DURATION}_bucket` || !labelsMatch(s.labels, { protocol })) continue;
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    if (Number.isNaN(le)) continue;
    byLe.set(le, (byLe.get(le) ?? 0) + s.value);
  }
  const count = sumOf(samples, `${DURATION}_count`, { protocol });
  const sum = sumOf(samples, `${DURATION}_sum`, { protocol });
  if (!byLe.size || count === undefined || sum === undefined) return undefined;
  return { buckets: [...byLe.entries()].map(([le, c]) => ({ le, count: c })).sort((a, b) => a.le - b.le), sum, count };
}

/** What the row measured between two scrapes; null figures when it answered nothing in between. */
export function serverLatency(before: DurationHistogram, after: DurationHistogram): ServerLatencyMs {
  const deltas = bucketDeltas(before.buckets, after.buckets);
  const reset = after.count < before.count;
  const count = reset ? after.count : after.count - before.count;
  const sum = reset ? after.sum : after.sum - before.sum;
  const ms = (q: number) => {
    const v = histogramQuantile(q, deltas);
    return v === undefined ? null : Math.round(v * 1e6) / 1e3;
  };
  return { p50: ms(0.5), p99: ms(0.99), mean: count > 0 ? Math.round((sum / count) * 1e6) / 1e3 : null, count };
}
