import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch, configFromEnv } from '../src/upstream-config.js';

const base = { delay_ms: 50, jitter_ms: 0, error_rate: 0 };

test('a valid subset changes only its keys', () => {
  assert.deepEqual(applyPatch(base, { jitter_ms: 10, error_rate: 0.5 }), {
    ok: true,
    config: { delay_ms: 50, jitter_ms: 10, error_rate: 0.5 },
  });
  assert.deepEqual(applyPatch(base, {}), { ok: true, config: base });
});

test('one bad key refuses the whole patch', () => {
  for (const patch of [
    { delay_ms: 10, error_rate: 2 },
    { delay_ms: 10, colour: 'red' },
    { delay_ms: '10' },
    { delay_ms: 1.5 },
    { jitter_ms: -1 },
    { delay_ms: 60001 },
    null,
    [1],
    42,
  ]) {
    const r = applyPatch(base, patch);
    assert.equal(r.ok, false, JSON.stringify(patch));
  }
  assert.deepEqual(base, { delay_ms: 50, jitter_ms: 0, error_rate: 0 }, 'never mutated');
});

test('environment defaults', () => {
  assert.deepEqual(configFromEnv({}), { ok: true, config: base });
  assert.deepEqual(configFromEnv({ UPSTREAM_DELAY_MS: '100', UPSTREAM_ERROR_RATE: '0.1' }), {
    ok: true,
    config: { delay_ms: 100, jitter_ms: 0, error_rate: 0.1 },
  });
  const bad = configFromEnv({ UPSTREAM_DELAY_MS: 'slow', UPSTREAM_ERROR_RATE: '3' });
  assert.equal(bad.ok, false);
  const r = configFromEnv({ UPSTREAM_ERROR_RATE: '3' });
  assert.ok(!r.ok && /UPSTREAM_ERROR_RATE/.test(r.reason));
});
