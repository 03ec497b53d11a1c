import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEchoParams, parseOverheadParams } from '../src/validation.js';

test('echo params: valid values and defaults', () => {
  assert.deepEqual(parseEchoParams({ text: 'hello' }), { ok: true, value: { text: 'hello', delayMs: undefined, cpuIters: 0, cpuMs: 0 } });
  assert.deepEqual(parseEchoParams({ text: 'hi', delay_ms: '0', cpu_iters: '10000000', cpu_ms: '1000' }), {
    ok: true,
    value: { text: 'hi', delayMs: 0, cpuIters: 10_000_000, cpuMs: 1000 },
  });
  assert.equal(parseEchoParams({ text: 'x'.repeat(4096), delay_ms: '60000' }).ok, true);
});

test('echo params: each bad input has a one-line reason naming the field', () => {
  const cases: Array<[Record<string, string | string[]>, RegExp]> = [
    [{}, /text is required/],
    [{ text: '' }, /text is required/],
    [{ text: 'x'.repeat(4097) }, /4097 bytes/],
    [{ text: 'é'.repeat(2049) }, /4098 bytes/], // bytes, not characters
    [{ text: 'a', delay_ms: '-1' }, /delay_ms .* got -1/],
    [{ text: 'a', delay_ms: '60001' }, /delay_ms/],
    [{ text: 'a', delay_ms: 'abc' }, /delay_ms .*'abc'/],
    [{ text: 'a', delay_ms: '1e3' }, /delay_ms/],
    [{ text: 'a', delay_ms: '1.5' }, /delay_ms/],
    [{ text: 'a', delay_ms: '' }, /delay_ms/],
    [{ text: 'a', cpu_iters: '10000001' }, /cpu_iters/],
    [{ text: 'a', cpu_ms: '1001' }, /^cpu_ms must be an integer from 0 to 1000, got 1001$/],
    [{ text: 'a', cpu_ms: '-1' }, /^cpu_ms must be an integer from 0 to 1000, got -1$/],
    [{ text: 'a', cpu_ms: '2.5' }, /^cpu_ms must be an integer from 0 to 1000, got '2.5'$/],
    [{ text: ['a', 'b'] }, /text is given 2 times/],
  ];
  for (const [query, reason] of cases) {
    const r = parseEchoParams(query);
    assert.equal(r.ok, false, JSON.stringify(query));
    if (!r.ok) {
      assert.match(r.reason, reason);
      assert.doesNotMatch(r.reason, /\n/);
    }
  }
});

test('overhead params: ranges are enforced and all three are required', () => {
  assert.deepEqual(parseOverheadParams({ workers: '10', tasks: '200', sleep_ms: '5' }), {
    ok: true,
    value: { workers: 10, tasks: 200, sleepMs: 5, mode: 'pool' },
  });
  assert.equal(parseOverheadParams({ workers: '2000', tasks: '100000', sleep_ms: '0' }).ok, true);
  for (const q of [
    { workers: '0', tasks: '1', sleep_ms: '1' },
    { workers: '2001', tasks: '1', sleep_ms: '1' },
    { workers: '1', tasks: '100001', sleep_ms: '1' },
    { workers: '1', tasks: '0', sleep_ms: '1' },
    { workers: '1', tasks: '1', sleep_ms: '1001' },
    { workers: '1', tasks: '1' },
  ]) {
    assert.equal(parseOverheadParams(q).ok, false, JSON.stringify(q));
  }
});

test('overhead params: mode defaults to pool, takes spawn, and a bad one names the allowed values', () => {
  const base = { workers: '1', tasks: '1', sleep_ms: '1' };
  const mode = (q: Record<string, string | string[]>) => {
    const r = parseOverheadParams({ ...base, ...q });
    return r.ok ? r.value.mode : r.reason;
  };
  assert.equal(mode({}), 'pool');
  assert.equal(mode({ mode: 'pool' }), 'pool');
  assert.equal(mode({ mode: 'spawn' }), 'spawn');
  assert.equal(mode({ mode: 'bogus' }), "mode must be one of pool, spawn, got 'bogus'");
  for (const bad of ['POOL', 'spawn ', 'a\nb', ['pool', 'spawn']]) {
    const r = parseOverheadParams({ ...base, mode: bad });
    assert.equal(r.ok, false, JSON.stringify(bad));
    if (!r.ok) assert.doesNotMatch(r.reason, /\n/);
  }
});
