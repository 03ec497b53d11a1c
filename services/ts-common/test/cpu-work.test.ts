import { test } from 'node:test';
import assert from 'node:assert/strict';
import { burnCpuMs, cpuWork } from '../src/cpu-work.js';

// Vectors computed with Python's hashlib (the Python rows' side of the same definition):
//   d = text.encode(); for _ in range(n): d = hashlib.sha256(d).digest()
test('cpu work matches the documented sha256 chain', () => {
  assert.equal(cpuWork('hello', 0), Buffer.from('hello').toString('hex'));
  assert.equal(cpuWork('hello', 1), '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
  assert.equal(cpuWork('hello', 3), '6c92efed736019d91804be8749edd36be572a345bd51c80f1ac4ea0d932c0dc7');
  assert.equal(cpuWork('ahoy matey ☠', 1000), '916c4409abe35922bebd90a213f13abe863054a1ce4d3aa8f046abce34d9553c');
  assert.equal(cpuWork('ahoy matey ☠', 999), 'ce2be90b61fa96260cf748d4c76c2426b7c9bc6b3e5f420418cb657cee423217');
});

test('burnCpuMs uses the asked CPU time of this process, and little more', () => {
  const before = process.cpuUsage();
  const used = burnCpuMs(40);
  const d = process.cpuUsage(before);
  const spentMs = (d.user + d.system) / 1000;
  assert.ok(used >= 40 && used < 44, `used ${used} ms`);
  assert.ok(Math.abs(spentMs - used) < 2, `spent ${spentMs} ms, reported ${used} ms`);
  assert.ok(burnCpuMs(0) < 1);
});
