import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { findFreePortOffset } from '../../src/runtime/ports.js';
import { probeStatus } from '../../src/runtime/local/health.js';
import { pidListeningOn } from '../../src/runtime/local/proc-tree.js';
import { FIXTURE_SERVICES } from '../helpers/paths.js';
import { assertGroupGone, runLab, startLab } from '../helpers/processes.js';

function pgidOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

test('lab up --no-run starts the rows on the offset ports, prints the table, and SIGINT stops every group', async () => {
  const offset = await findFreePortOffset();
  const env = { ...process.env, LAB_PORT_OFFSET: String(offset) };
  const lab = await startLab(['up', '--no-run', '--targets', 'python-threads,node-eventloop'], env, 'lab is up');
  const ports = { upstream: 9000 + offset, 'python-threads': 8101 + offset, 'node-eventloop': 8107 + offset };
  const groups: number[] = [];
  try {
    const table = lab.out();
    assert.match(table, /name\s+model\s+http\s+line\s+status/);
    assert.match(table, new RegExp(`python-threads\\s+.*http://127\\.0\\.0\\.1:${ports['python-threads']}\\s+127\\.0\\.0\\.1:${8201 + offset}\\s+running`));
    assert.match(table, new RegExp(`node-eventloop\\s+.*http://127\\.0\\.0\\.1:${ports['node-eventloop']}\\s+127\\.0\\.0\\.1:${8207 + offset}\\s+running`));
    for (const [name, port] of Object.entries(ports)) {
      assert.equal(await probeStatus(`http://127.0.0.1:${port}/healthz`), 200, `${name} answers on ${port}`);
      const pid = await pidListeningOn(port);
      assert.ok(pid, `a process listens on ${port}`);
      const pgid = pgidOf(pid);
      assert.notEqual(pgid, pgidOf(lab.child.pid!), `${name} runs in its own process group`);
      groups.push(pgid);
    }
  } finally {
    const exited = new Promise<number | null>((resolve) => lab.child.once('exit', (code) => resolve(code)));
    lab.child.kill('SIGINT');
    assert.equal(await exited, 130, lab.err()); // 128 + SIGINT: the shell's convention
  }
  for (const pgid of groups) await assertGroupGone(pgid);
  assert.match(lab.err(), /lab stopped/);
});

test('lab up lists an unavailable row with its install hint and keeps the others', async () => {
  const env = { ...process.env, LAB_SERVICES_DIR: FIXTURE_SERVICES, LAB_PORT_OFFSET: String(await findFreePortOffset()) };
  const lab = await startLab(['up', '--no-run', '--targets', 'good-echo,needs-python-module'], env, 'lab is up');
  try {
    assert.match(lab.out(), /good-echo\s+.*running/);
    assert.match(lab.out(), /unavailable needs-python-module: .*\n\s+fix: (sudo )?apt-get install -y python3-lab-fixture-nosuch/);
  } finally {
    const exited = new Promise<number | null>((resolve) => lab.child.once('exit', (code) => resolve(code)));
    lab.child.kill('SIGTERM');
    assert.equal(await exited, 143);
  }
});

test('lab up with an unknown target exits 2 naming the valid ones', async () => {
  const run = await runLab(['up', '--no-run', '--targets', 'nope'], { ...process.env, LAB_PORT_OFFSET: String(await findFreePortOffset()) });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /unknown target 'nope'; valid targets: .*python-threads/);
});
