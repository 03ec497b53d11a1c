// Turns two successive scrapes of one target into one live point: rates from counter deltas,
// p99 from histogram bucket deltas (the same estimate as PromQL's histogram_quantile over a
// rate), gauges as they are.
import { bucketsOf, sumOf, type Sample } from '../core/prom-text.js';

export interface LivePoint {
  /** Scrape time, ms since the epoch. */
  t: number;
  /** Whether the scrape succeeded; on failure every figure below is null. */
  up: boolean;
  rps: number | null;
  /** Requests per second whose outcome was not ok. */
  errorsPerSec: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  rssBytes: number | null;
  osThreads: number | null;
  openConnections: number | null;
  inflight: number | null;
  /** CPU use in cores (1 = one core busy). */
  cpuCores: number | null;
}

export interface Scrape {
  t: number;
  samples: Sample[];
}

const DURATION = 'lab_request_duration_seconds';

export function downPoint(t: number): LivePoint {
  return { t, up: false, rps: null, errorsPerSec: null, p50Ms: null, p99Ms: null, rssBytes: null, osThreads: null, openConnections: null, inflight: null, cpuCores: null };
}

export function derivePoint(prev: Scrape | undefined, cur: Scrape): LivePoint {
  const s = cur.samples;
  const point: LivePoint = {
    t: cur.t,
    up: true,
    rps: null,
    errorsPerSec: null,
    p50Ms: null,
    p99Ms: null,
    rssBytes: sumOf(s, 'process_resident_memory_bytes') ?? null,
    osThreads: sumOf(s, 'lab_os_threads') ?? null,
    openConnections: sumOf(s, 'lab_open_connections') ?? null,
    inflight: sumOf(s, 'lab_inflight_requests') ?? null,
    cpuCores: null,
  };
  if (!prev || cur.t <= prev.t) return point;
  const dt = (cur.t - prev.t) / 1000;
  const p = prev.samples;

  const total = counterDelta(sumOf(p, 'lab_requests_total'), sumOf(s, 'lab_requests_total'));
  const ok = counterDelta(sumOf(p, 'lab_requests_total', { outcome: 'ok' }), sumOf(s, 'lab_requests_total', { outcome: 'ok' }));
  if (total !== undefined) point.rps = total / dt;
  if (total !== undefined) point.errorsPerSec = Math.max(0, total - (ok ?? 0)) / dt;
  const cpu = counterDelta(sumOf(p, 'process_cpu_seconds_total'), sumOf(s, 'process_cpu_seconds_total'));
  if (cpu !== undefined) point.cpuCores = cpu / dt;

  const deltas = bucketDeltas(bucketsOf(p, DURATION), bucketsOf(s, DURATION));
  const p50 = histogramQuantile(0.5, deltas);
  const p99 = histogramQuantile(0.99, deltas);
  point.p50Ms = p50 === undefined ? null : p50 * 1000;
  point.p99Ms = p99 === undefined ? null : p99 * 1000;
  return point;
}

/** A counter's increase; a counter that went down was reset (service restarted): count from zero. */
export function counterDelta(prev: number | undefined, cur: number | undefined): number | undefined {
  if (cur === undefined) return undefined;
  if (prev === undefined) return undefined;
  return cur >= prev ? cur - prev : cur;
}

export function bucketDeltas(
  prev: Array<{ le: number; count: number }>,
  cur: Array<{ le: number; count: number }>,
): Array<{ le: number; count: number }> {
  const before = new Map(prev.map((b) => [b.le, b.count]));
  const reset = cur.some((b) => (before.get(b.le) ?? 0) > b.count);
  return cur.map((b) => ({ le: b.le, count: reset ? b.count : b.count - (before.get(b.le) ?? 0) }));
}

/**
 * Quantile q of cumulative buckets, interpolating linearly inside the bucket as PromQL does.
 * Undefined when there were no observations. A quantile in the +Inf bucket is reported as the
 * highest finite bound (what histogram_quantile returns too).
 */
export function histogramQuantile(q: number, buckets: Array<{ le: number; count: number }>): number | undefined {
  if (buckets.length === 0) return undefined;
  const total = buckets[buckets.length - 1].count;
  if (!(total > 0)) return undefined;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      if (b.le === Infinity) return prevLe;
      if (b.count === prevCount) return b.le;
      return prevLe + ((b.le - prevLe) * (rank - prevCount)) / (b.count - prevCount);
    }
    prevLe = b.le;
    prevCount = b.count;
  }
  return prevLe;
}
