import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LabError } from '../../../src/core/errors.js';
import { restoreUpdate, updateFor } from '../../../src/runtime/docker/limits.js';

test('limits become one docker update with swap equal to memory', () => {
  assert.deepEqual(updateFor('python-threads', { cpus: 0.5, memory: 256 * 2 ** 20 }, 2), {
    NanoCpus: 500_000_000,
    Memory: 256 * 2 ** 20,
    MemorySwap: 256 * 2 ** 20,
  });
  assert.deepEqual(updateFor('python-threads', {}, 2), {});
});

test('bad limits are bad input (exit 2) naming every problem, before the daemon sees them', () => {
  assert.throws(() => updateFor('gevent-monkey', { cpus: 0, memory: 1000 }, 2), (err: unknown) => {
    assert.ok(err instanceof LabError);
    assert.equal(err.exitCode, 2);
    assert.match(err.message, /gevent-monkey/);
    assert.match(err.message, /cpus must be from 0\.01 to 2/);
    assert.match(err.message, /memory must be at least 6 MiB/);
    return true;
  });
  assert.throws(() => updateFor('x', { cpus: 3 }, 2), /cpus must be from 0\.01 to 2/);
  assert.throws(() => updateFor('x', { cpus: Number.NaN }, 2), LabError);
});

test('restore gives a limited container its own limits back, an unlimited one the widest', () => {
  assert.deepEqual(restoreUpdate({ nanoCpus: 1_500_000_000, memory: 512, memorySwap: 1024 }, 2, 8e9), {
    NanoCpus: 1_500_000_000, Memory: 512, MemorySwap: 1024,
  });
  assert.deepEqual(restoreUpdate({ nanoCpus: 0, memory: 0, memorySwap: 0 }, 2, 8e9), {
    NanoCpus: 2e9, Memory: 8e9, MemorySwap: 16e9,
  });
  // A memory limit with unlimited swap (-1) comes back with Docker's default swap.
  assert.deepEqual(restoreUpdate({ nanoCpus: 0, memory: 512, memorySwap: -1 }, 2, 8e9), {
    NanoCpus: 2e9, Memory: 512, MemorySwap: 1024,
  });
});
