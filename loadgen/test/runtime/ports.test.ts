// LAB_PORT_OFFSET that puts a lab port in the kernel's ephemeral range is refused before
// anything starts (an outgoing connection of any process may hold that port: EADDRINUSE).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { allLabPorts, ephemeralClash, ephemeralRange, portOffset } from '../../src/runtime/ports.js';
import { runLab } from '../helpers/processes.js';

test('the ephemeral range is read from the kernel file; an offset landing in it is refused naming the range and the port', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lab-ports-'));
  try {
    const file = path.join(dir, 'ip_local_port_range');
    writeFileSync(file, '32768\t60999\n');
    const range = ephemeralRange(file)!;
    assert.deepEqual(range, { low: 32768, high: 60999 });
    assert.equal(ephemeralRange(path.join(dir, 'none')), undefined, 'off Linux: no check');
    const ports = [8080, 8101, 8201, 9000];
    const msg = ephemeralClash(27000, ports, range)!;
    assert.match(msg, /LAB_PORT_OFFSET=27000 puts port 35080 \(and 3 more, up to 36000\) inside the kernel's ephemeral port range 32768-60999/);
    assert.match(msg, /choose an offset of at most 23767/);
    assert.equal(ephemeralClash(23767, ports, range), undefined, 'the highest port 32767 is just below the range');
    assert.match(ephemeralClash(23768, ports, range)!, /puts port 32768 inside/);
    assert.equal(ephemeralClash(27000, ports, { low: 40000, high: 60999 }), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('portOffset refuses such an offset with exit code 2; lab up says so before starting anything', async (t) => {
  const range = ephemeralRange();
  const offset = 27000;
  if (!range || !allLabPorts().some((p) => p + offset >= range.low && p + offset <= range.high)) {
    t.skip(`this machine's ephemeral range (${range ? `${range.low}-${range.high}` : 'unknown'}) does not hold 9000 + ${offset}`);
    return;
  }
  assert.throws(() => portOffset({ LAB_PORT_OFFSET: String(offset) }), (err: Error & { exitCode?: number }) => err.exitCode === 2 && /ephemeral port range/.test(err.message));
  const run = await runLab(['up', '--no-autorun', '--targets', 'node-eventloop'], { ...process.env, LAB_PORT_OFFSET: String(offset) }, 30_000);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, new RegExp(`Error: LAB_PORT_OFFSET=${offset} puts port \\d+ .*inside the kernel's ephemeral port range ${range.low}-${range.high}`));
  assert.doesNotMatch(run.stdout + run.stderr, /Web dashboard|starting/, 'nothing started');
});
