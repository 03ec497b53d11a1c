// K generators' reports merge exactly: counters add up and percentiles come from the merged
// histogram, not from averaging the generators' own percentiles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { latencyHistogram, latencyOf, recordMs } from '../../../src/executors/load-common/histogram.js';
import { mergeReports } from '../../../src/scenario-run/loadgens/merge.js';
import { decodeHistogram, encodeHistogram, formatReport, parseJob, reportsIn, PROTOCOL_VERSION, type WorkerReport } from '../../../src/scenario-run/loadgens/protocol.js';
import { generatorsForStep, splitLoad } from '../../../src/scenario-run/loadgens/split.js';

function report(index: number, latenciesMs: number[], extra: Partial<WorkerReport['measurement']> = {}, startMs = 1000): WorkerReport {
  const h = latencyHistogram();
  for (const ms of latenciesMs) recordMs(h, ms);
  return {
    v: PROTOCOL_VERSION, index, startAtMs: 500, host: `gen${index}`,
    measurement: {
      requests: latenciesMs.length + 3, ok: latenciesMs.length, durationS: 10 + index / 100, latencyMs: latencyOf(h),
      errors: { timeouts: 1, non2xx: 2, connection: 0, by_kind: { timeout: 1, 'status 502': 2 } }, loadgenThreads: 1, warnings: [], ...extra,
    },
    histogram: encodeHistogram(h), cpuSeconds: 1.5 + index, measureStartMs: startMs, measureEndMs: startMs + 10_000,
  };
}

test('counts add up and the percentiles are those of every latency together', () => {
  // 900 fast answers on one generator, 100 slow ones on the other: together, p90 is fast and
  // p99 slow. The mean of the two generators' p99s (10 ms and 100 ms) would say 55 ms.
  const fast = Array.from({ length: 900 }, () => 10);
  const slow = Array.from({ length: 100 }, () => 100);
  const a = report(0, fast);
  const b = report(1, slow);
  const merged = mergeReports([b, a], [150, 150]);
  const m = merged.measurement;
  assert.equal(m.requests, a.measurement.requests + b.measurement.requests);
  assert.equal(m.ok, 1000);
  assert.equal(merged.histogram.totalCount, 1000);
  assert.deepEqual(m.errors, { timeouts: 2, non2xx: 4, connection: 0, by_kind: { timeout: 2, 'status 502': 4 } });
  assert.equal(m.durationS, 10.01, 'the longest window');
  assert.equal(m.loadgenThreads, 2);
  const all = latencyHistogram();
  for (const ms of [...fast, ...slow]) recordMs(all, ms);
  assert.deepEqual(m.latencyMs, latencyOf(all), 'exactly the percentiles of one histogram of all answers');
  assert.ok(Math.abs(m.latencyMs.p90! - 10) < 0.05, `p90 ${m.latencyMs.p90}`);
  assert.ok(Math.abs(m.latencyMs.p99! - 100) < 0.1, `p99 ${m.latencyMs.p99}, not the 55 ms of averaged p99s`);
  assert.deepEqual(merged.generators.map((g) => [g.index, g.host, g.load, g.ok, g.cpu_seconds]), [[0, 'gen0', 150, 900, 1.5], [1, 'gen1', 150, 100, 2.5]]);
  assert.deepEqual(m.warnings, []);
});

test('a failed, missing or skewed generator is said, never merged silently', () => {
  assert.throws(() => mergeReports([report(0, [5]), { ...report(1, [5]), error: 'connect ECONNREFUSED' }], [1, 1]), /#1 on gen1: connect ECONNREFUSED/);
  assert.throws(() => mergeReports([report(0, [5])], [1, 1]), /expected reports of 2 load generators, got #0 \(missing #1\)/);
  const skewed = mergeReports([report(0, [5], {}, 1000), report(1, [5], {}, 4000)], [1, 1]);
  assert.match(skewed.measurement.warnings.join(' '), /started measuring 3\.00 s apart/);
});

test('the wire format: a histogram survives encoding, a report is found in a prefixed log, a bad job says every problem', () => {
  const h = latencyHistogram();
  for (let i = 1; i <= 500; i++) recordMs(h, i / 10);
  const back = decodeHistogram(encodeHistogram(h), 'test');
  assert.equal(back.totalCount, 500);
  assert.deepEqual(latencyOf(back), latencyOf(h));
  const r = report(0, [1, 2, 3]);
  assert.deepEqual(reportsIn(`lab_loadgen.1.abc@node2    | ${formatReport(r)}\nother line\n`), [r]);
  assert.throws(() => parseJob(undefined), /LAB_LOADGEN_JOB is not set/);
  assert.throws(() => parseJob('{'), /not JSON/);
  assert.throws(() => parseJob(JSON.stringify({ v: 1, index: 2, count: 2, load: -1 })), (err: Error) =>
    /index must be from 0 to count-1/.test(err.message) && /load must be a number >= 0/.test(err.message) && /target must have name, httpUrl and manifest/.test(err.message) && /scenario must be/.test(err.message));
});

test('connections split into whole shares that add up; a rate into equal shares', () => {
  assert.deepEqual(splitLoad(200, 2, true), [100, 100]);
  assert.deepEqual(splitLoad(10, 3, true), [4, 3, 3]);
  assert.deepEqual(splitLoad(300, 4, false), [75, 75, 75, 75]);
  assert.throws(() => splitLoad(1, 2, true), /1 connections cannot be split across 2 load generators/);
  // The run loop asks first how many generators a step can use (never fewer connections than generators).
  assert.deepEqual(generatorsForStep(1, 2, true), { k: 1, note: '--loadgens 2: a step of 1 connection runs on 1 load generator (a connection cannot be split)' });
  assert.deepEqual(generatorsForStep(0, 4, true).k, 1);
  assert.deepEqual(generatorsForStep(5, 4, true), { k: 4 });
  assert.deepEqual(generatorsForStep(1, 4, false), { k: 4 }, 'a rate of 1/s splits into four shares');
  assert.deepEqual(splitLoad(0, 1, true), [0]);
  assert.throws(() => splitLoad(10, 0, true), /positive integer/);
});
