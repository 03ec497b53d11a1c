import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventRecord } from '../../../src/model/events.js';
import { recoveryOf } from '../../../src/scenario-run/timeline/recovery.js';
import { slopesOf } from '../../../src/scenario-run/timeline/slopes.js';
import { seededRandom, trend } from '../../../src/core/stats/index.js';
import type { TimelineSecond } from '../../../src/scenario-run/timeline/types.js';

function second(t: number, rps: number, extra: Partial<TimelineSecond> = {}): TimelineSecond {
  return {
    t_s: t, dur_s: 1, phase: t < 0 ? 'warmup' : 'measure', requests: rps, ok: rps, rps, errors: {}, p50_ms: 10, p99_ms: 20,
    inflight: 10, open_connections: 10, threads: 5, rss_bytes: 1e6, cpu: 0.1, open_fds: 20, up: true, ...extra,
  };
}

const kill: EventRecord = { index: 0, kind: 'kill', service: 'row', at_s: 5, t_s: 5.02, end_s: 6.5, wall: null, outcome: 'ok', message: 'SIGKILLed row', downtime_s: 1.48 };

test('recovery: time back to 90% of the pre-event req/s for 3 s, failures and peaks in between', () => {
  const rps = [100, 100, 100, 100, 100, 100, 0, 40, 95, 50, 92, 99, 100, 100];
  const seconds = rps.map((r, i) => second(i, r, i === 6 ? { errors: { connection: 7 }, up: false, threads: null } : i === 7 ? { errors: { 'status 502': 3 }, threads: 9, rss_bytes: 3e6, inflight: 40 } : {}));
  const r = recoveryOf(seconds, kill);
  assert.equal(r.baseline_rps, 100);
  // 95 at 8 s is followed by 50: not yet back. From 10 s on: 92, 99, 100.
  assert.equal(r.recovery_s, 4.98);
  assert.equal(r.recovered, true);
  assert.equal(r.failed_requests, 3, 'answers that were errors');
  assert.equal(r.connection_errors, 7, 'connection attempts, apart');
  assert.equal(r.ok_requests, 100 + 0 + 40 + 95 + 50);
  assert.equal(r.peak_threads, 9);
  assert.equal(r.peak_rss_bytes, 3e6);
  assert.equal(r.peak_inflight, 40);
});

test('recovery with two events: the level before the second skips what the first disturbed, and the first is held until the second starts', () => {
  const rps = [100, 100, 100, 10, 10, 100, 100, 0, 0, 100, 100, 100];
  const seconds = rps.map((r, i) => second(i, r));
  const slow: EventRecord = { index: 0, kind: 'upstream', service: 'upstream', at_s: 3, t_s: 3, end_s: 5, wall: null, for_s: 2, outcome: 'ok', message: '' };
  const killAt7: EventRecord = { ...kill, index: 1, at_s: 7, t_s: 7, end_s: 8.5 };
  const first = recoveryOf(seconds, slow, [slow, killAt7]);
  assert.equal(first.recovered, true, '5 and 6 are back, and the kill at 7 ends the hold');
  assert.equal(first.recovery_s, 2);
  const second_ = recoveryOf(seconds, killAt7, [slow, killAt7]);
  assert.equal(second_.baseline_rps, 100, 'the slowdown and the second after it are not the pre-kill level');
  assert.equal(second_.recovery_s, 2);
});

test('recovery: never back, no baseline, or a failed event are said so', () => {
  const low = [100, 100, 100, 100, 100, 100, 10, 10, 10].map((r, i) => second(i, r));
  const never = recoveryOf(low, kill);
  assert.equal(never.recovered, false);
  assert.equal(never.recovery_s, null);
  assert.equal(recoveryOf([second(0, 50)], { ...kill, t_s: 0.01, at_s: 0 }).note, 'no whole second before the event to take the pre-event level from');
  assert.match(recoveryOf(low, { ...kill, outcome: 'failed', message: 'no such group' }).note ?? '', /event failed: no such group/);
});

test('slopes: least squares per minute, a leak above its bound, a flat line and a short window are told apart', () => {
  assert.deepEqual((({ slope, intercept, r2 }) => ({ slope, intercept, r2 }))(trend([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 5 }])!), { slope: 2, intercept: 1, r2: 1 });
  const leaking = Array.from({ length: 120 }, (_, i) => second(i, 100, { rss_bytes: 50e6 + i * 50_000, threads: 8, open_fds: 30 + Math.floor(i / 20) }));
  const [rss, threads, fds] = slopesOf(leaking);
  assert.equal(rss!.measure, 'rss_bytes');
  assert.ok(Math.abs(rss!.per_min! - 3e6) < 1, String(rss!.per_min));
  assert.equal(rss!.possible_leak, true);
  assert.equal(threads!.per_min, 0);
  assert.equal(threads!.possible_leak, false);
  assert.ok(fds!.per_min! > 2.5 && fds!.possible_leak === true, JSON.stringify(fds));
  // The interval: a straight climb is sure (all of it over the bound), and still climbing late: a leak.
  assert.ok(rss!.ci95_per_min![0] > 1024 * 1024 && rss!.ci95_per_min![0] <= 3e6 && rss!.ci95_per_min![1] >= 3e6, JSON.stringify(rss));
  assert.equal(rss!.verdict, 'leak');
  assert.equal(threads!.verdict, 'no leak');
  // A warm-up: RSS climbs for the first half, then stays flat (with the noise of a GC sawtooth).
  const warmup = Array.from({ length: 600 }, (_, i) => second(i, 100, { rss_bytes: 50e6 + Math.min(i, 300) * 100_000 + (i % 7) * 200_000, threads: 8, open_fds: 30 }));
  const [warmRss] = slopesOf(warmup);
  assert.ok(warmRss!.possible_leak, 'over its bound on the whole window');
  assert.ok(warmRss!.late_ci95_per_min![1] < 1024 * 1024, JSON.stringify(warmRss));
  assert.equal(warmRss!.verdict, 'levels off');
  // Noise around a flat line with a random walk: the interval spans the bound or sits under it, never "leak".
  let walk = 0;
  const random = seededRandom(7);
  const wandering = Array.from({ length: 600 }, (_, i) => second(i, 100, { rss_bytes: 50e6 + (walk += (random() - 0.5) * 400_000), threads: 8, open_fds: 30 }));
  const [wanderRss] = slopesOf(wandering);
  assert.ok(wanderRss!.n_eff! < 60, `a random walk's seconds are far from independent: n_eff ${wanderRss!.n_eff}`);
  assert.notEqual(wanderRss!.verdict, 'leak', JSON.stringify(wanderRss));
  const short = slopesOf(leaking.slice(0, 30));
  assert.ok(short.every((s) => s.possible_leak === null && s.verdict === undefined), 'a 30 s window is too short to judge');
});
