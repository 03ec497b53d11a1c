import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExperimentGuard, overheadResult } from '../src/overhead.js';

test('overhead result: ideal is S*N/C and the ratio is elapsed/ideal', () => {
  assert.deepEqual(overheadResult({ workers: 10, tasks: 200, sleepMs: 5, mode: 'pool' }, { elapsedS: 0.2, setupS: 0.03 }), {
    workers: 10,
    tasks: 200,
    sleep_ms: 5,
    mode: 'pool',
    elapsed_s: 0.2,
    setup_s: 0.03,
    ideal_s: 0.1,
    overhead: 2,
  });
  assert.equal(overheadResult({ workers: 3, tasks: 7, sleepMs: 0, mode: 'spawn' }, { elapsedS: 0.01, setupS: 0 }).overhead, null);
});

test('experiment guard admits one at a time', () => {
  const guard = new ExperimentGuard();
  const p = { workers: 1, tasks: 1, sleepMs: 1, mode: 'pool' as const };
  assert.equal(guard.tryAcquire(p), undefined);
  assert.match(guard.tryAcquire(p) ?? '', /already running/);
  guard.release();
  assert.equal(guard.tryAcquire(p), undefined);
});
