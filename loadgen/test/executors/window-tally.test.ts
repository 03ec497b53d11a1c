import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WindowTally } from '../../src/executors/load-common/window-tally.js';

// The measure window's tally (load-common/window-tally.ts), fed as autocannon's and the line
// sweep's events feed it: what it counts, and the latency it keeps for requests that timed out.

describe('WindowTally', () => {
  it('counts right answers, error answers, wrong bodies and failures; a timeout is in the latency at the timeout', async () => {
    const w = new WindowTally(10_000);
    for (let i = 0; i < 98; i++) w.response(100, true);
    w.response(5, false, 'status 502');
    w.response(100, true);
    w.mismatch(); // autocannon: right after the answer it belongs to
    w.error('timeout');
    w.error('connection');
    await Promise.resolve();
    const m = w.measurement();
    assert.equal(m.requests, 100);
    assert.equal(m.ok, 98);
    assert.deepEqual(m.errors, { timeouts: 1, non2xx: 1, connection: 1, by_kind: { 'status 502': 1, mismatch: 1, timeout: 1, connection: 1 } });
    // 98 right answers at 100 ms and one censored at 10 s: the wrong body's latency is not kept.
    assert.equal(m.histogram!.totalCount, 99);
    assert.ok(Math.abs(m.latencyMs.max! - 10_000) <= 10, `the censored timeout is the max (HDR: 3 digits): ${m.latencyMs.max}`);
    assert.ok(m.latencyMs.p50! >= 99.9 && m.latencyMs.p50! <= 100.1, String(m.latencyMs.p50));
    assert.ok(m.latencyMs.p99! >= 9990, `p99 is the censored timeout, not hidden among errors (${m.latencyMs.p99})`);
  });

  it('nothing after the window closes counts', () => {
    const w = new WindowTally(10_000);
    w.response(100, true);
    w.close();
    w.response(100, true);
    w.error('timeout');
    const m = w.measurement();
    assert.deepEqual([m.requests, m.ok, m.errors.timeouts, m.histogram!.totalCount], [1, 1, 0, 1]);
  });
});
