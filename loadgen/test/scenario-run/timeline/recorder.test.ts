import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import autocannon from 'autocannon';
import { openLocalRuntime } from '../../../src/runtime/index.js';
import { feedAutocannon } from '../../../src/executors/load-common/autocannon-timeline.js';
import { TimelineRecorder } from '../../../src/scenario-run/timeline/recorder.js';
import { TimelineSampler } from '../../../src/scenario-run/timeline/timeline-sampler.js';

test('seconds start at each phase, count from the measure start (warmup negative), and empty seconds are kept', () => {
  let now = 10_000;
  const rec = new TimelineRecorder(() => now);
  rec.phase('warmup');
  now += 300; rec.response(5, true);
  now += 1000; rec.response(7, true); // 1.3 s into warmup: its second second
  now += 200; rec.phase('measure'); // warmup lasted 1.5 s
  rec.response(10, true); rec.response(30, false, 'status 502');
  now += 2500; rec.error('timeout'); // an idle second in between
  rec.server({ at: now - 100, osThreads: 7, requests: 12, cpuSeconds: 1 });
  rec.server({ at: now, osThreads: 9, requests: 13, cpuSeconds: 1.25 });
  now += 500; rec.phase('cooldown');
  now += 1000;
  const { seconds } = rec.finish();
  assert.deepEqual(seconds.map((s) => [s.phase, s.t_s, s.dur_s, s.requests, s.ok]), [
    ['warmup', -1.5, 1, 1, 1], ['warmup', -0.5, 0.5, 1, 1],
    ['measure', 0, 1, 2, 1], ['measure', 1, 1, 0, 0], ['measure', 2, 1, 0, 0],
    ['cooldown', 3, 1, 0, 0],
  ]);
  assert.deepEqual(seconds[2]!.errors, { 'status 502': 1 });
  assert.ok(Math.abs(seconds[2]!.p50_ms! - 10) < 0.1, String(seconds[2]!.p50_ms));
  assert.equal(seconds[3]!.p50_ms, null);
  assert.deepEqual(seconds[4]!.errors, { timeout: 1 });
  assert.equal(seconds[4]!.threads, 9, 'the highest sample of the second');
  assert.equal(seconds[4]!.cpu, 2.5, '0.25 CPU-s over 0.1 s');
  assert.equal(seconds[4]!.up, true);
  assert.equal(seconds[3]!.up, null, 'no sample: unknown, not down');
});

test('a real row under autocannon: every answer lands in one second, the server side is sampled, a kill shows as a down second', async () => {
  const logDir = mkdtempSync(path.join(tmpdir(), 'lab-timeline-'));
  // Ports: LAB_PORT_OFFSET 7200 (this stream's range).
  const runtime = await openLocalRuntime({ portOffset: 7200, logDir, targets: ['node-eventloop'], supervise: { initialBackoffMs: 300 } });
  try {
    const target = runtime.targets[0];
    assert.ok(target, JSON.stringify(runtime.unavailable));
    const rec = new TimelineRecorder();
    const sampler = new TimelineSampler(runtime, target, 'http', rec, { intervalMs: 250, fdsEvery: 2 });
    rec.phase('warmup');
    sampler.start();
    await new Promise((r) => setTimeout(r, 1000));
    rec.phase('measure');
    const killer = setTimeout(() => void runtime.kill(target.name), 1500);
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon({ url: `${target.httpUrl}/echo?text=hi&delay_ms=20`, connections: 10, duration: 4, timeout: 2 }, (err, r) => (err ? reject(err) : resolve(r)));
      feedAutocannon(instance, rec);
    });
    clearTimeout(killer);
    rec.phase('cooldown');
    await new Promise((r) => setTimeout(r, 1000));
    await sampler.stop();
    const { seconds } = rec.finish();
    const measure = seconds.filter((s) => s.phase === 'measure');
    const answered = measure.reduce((a, s) => a + s.requests, 0);
    const failed = measure.reduce((a, s) => a + Object.values(s.errors).reduce((x, y) => x + y, 0), 0);
    assert.equal(answered, (result.requests as unknown as { total: number }).total, 'every answer counted once');
    assert.equal(failed - measure.reduce((a, s) => a + s.requests - s.ok, 0), result.errors, 'every request error counted once');
    assert.ok(result.errors > 0, 'the kill cost requests');
    // The kill shows: seconds with connections refused, and fewer answers in them than before.
    const hit = measure.filter((s) => (s.errors.connection ?? 0) > 0);
    const clean = measure.filter((s) => !s.errors.connection);
    assert.ok(hit.length > 0 && clean.length > 0 && Math.min(...hit.map((s) => s.rps)) < Math.max(...clean.map((s) => s.rps)),
      `the kill shows: ${JSON.stringify(measure.map((s) => [s.rps, s.errors, s.up]))}`);
    assert.ok(measure[0]!.rps > 0 && measure[0]!.p99_ms !== null);
    const sampled = seconds.filter((s) => s.up);
    assert.ok(sampled.length >= 3, 'sampled across phases');
    assert.ok(sampled.every((s) => s.threads! > 0 && s.rss_bytes! > 0), JSON.stringify(sampled));
    assert.ok(seconds.some((s) => s.open_fds !== null && s.open_fds > 3), 'fds counted from /proc');
    assert.ok(seconds.some((s) => s.phase === 'warmup' && s.up) && seconds.some((s) => s.phase === 'cooldown' && s.up));
  } finally {
    await runtime.stop();
    rmSync(logDir, { recursive: true, force: true });
  }
});
