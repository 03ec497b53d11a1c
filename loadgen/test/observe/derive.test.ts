import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bucketDeltas, counterDelta, derivePoint, histogramQuantile } from '../../src/observe/derive.js';
import { parsePrometheusText } from '../../src/core/prom-text.js';
import { RingBuffer } from '../../src/observe/ring-buffer.js';

function scrape(t: number, ok: number, bad: number, buckets: [string, number][], cpu: number) {
  const lines = [
    `lab_requests_total{impl="x",protocol="http",outcome="ok"} ${ok}`,
    `lab_requests_total{impl="x",protocol="http",outcome="bad_request"} ${bad}`,
    ...buckets.map(([le, n]) => `lab_request_duration_seconds_bucket{impl="x",protocol="http",le="${le}"} ${n}`),
    `process_cpu_seconds_total{impl="x"} ${cpu}`,
    `process_resident_memory_bytes{impl="x"} 1000`,
    `lab_os_threads{impl="x"} 7`,
    `lab_open_connections{impl="x",protocol="http"} 3`,
    `lab_open_connections{impl="x",protocol="line"} 2`,
  ];
  return { t, samples: parsePrometheusText(lines.join('\n')).samples };
}

test('rates, errors, CPU and p99 from the deltas of two scrapes one second apart', () => {
  const a = scrape(1000, 100, 0, [['0.05', 50], ['0.1', 100], ['+Inf', 100]], 1.0);
  const b = scrape(2000, 200, 10, [['0.05', 50], ['0.1', 150], ['+Inf', 210]], 1.5);
  const p = derivePoint(a, b);
  assert.equal(p.rps, 110);
  assert.equal(p.errorsPerSec, 10);
  assert.equal(p.cpuCores, 0.5);
  assert.equal(p.openConnections, 5);
  assert.equal(p.osThreads, 7);
  assert.equal(p.rssBytes, 1000);
  // 110 new observations: 50 in (0.05, 0.1], 60 above 0.1. Ranks 55 (p50) and 108.9 (p99) both
  // fall in the +Inf bucket, reported as the highest finite bound, as histogram_quantile does.
  assert.equal(p.p99Ms, 100);
  assert.equal(p.p50Ms, 100);
});

test('the first scrape has gauges but no rates', () => {
  const p = derivePoint(undefined, scrape(1000, 5, 0, [['+Inf', 5]], 1));
  assert.equal(p.rps, null);
  assert.equal(p.p99Ms, null);
  assert.equal(p.rssBytes, 1000);
});

test('a restarted service (counters went down) counts from zero instead of going negative', () => {
  assert.equal(counterDelta(500, 20), 20);
  assert.equal(counterDelta(undefined, 20), undefined);
  assert.deepEqual(bucketDeltas([{ le: 1, count: 50 }], [{ le: 1, count: 5 }]), [{ le: 1, count: 5 }]);
  const p = derivePoint(scrape(1000, 500, 0, [['+Inf', 500]], 9), scrape(2000, 20, 0, [['+Inf', 20]], 0.5));
  assert.equal(p.rps, 20);
  assert.equal(p.cpuCores, 0.5);
});

test('histogramQuantile interpolates inside a bucket like PromQL', () => {
  const buckets = [{ le: 0.1, count: 0 }, { le: 0.2, count: 100 }, { le: Infinity, count: 100 }];
  assert.ok(Math.abs(histogramQuantile(0.5, buckets)! - 0.15) < 1e-12);
  assert.ok(Math.abs(histogramQuantile(0.99, buckets)! - 0.199) < 1e-12);
  assert.equal(histogramQuantile(0.99, [{ le: Infinity, count: 0 }]), undefined);
  assert.equal(histogramQuantile(0.5, []), undefined);
});

test('the ring buffer keeps the newest N, oldest first', () => {
  const r = new RingBuffer<number>(3);
  for (let i = 1; i <= 5; i++) r.push(i);
  assert.deepEqual(r.toArray(), [3, 4, 5]);
  assert.equal(r.last(), 5);
  assert.equal(r.length, 3);
  assert.throws(() => new RingBuffer(0), /positive integer/);
});
