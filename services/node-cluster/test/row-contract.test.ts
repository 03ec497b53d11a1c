import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './fixture.js';

// The shared row contract for a TypeScript row is `lab verify`: every check the lab makes of
// every row (bodies, line protocol, bad input, upstream errors and timeouts, metrics, leaks,
// Nagle, /overhead), against this row started by the lab's local runtime as `npm start` would.
// The Python rows run labtesting's RowContract; loadgen's own verify tests run node-eventloop
// the same way. Offset 4400 is this file's (node-cluster's test range is 4000-4900).

const OFFSET = '4400';
const LAB_BIN = path.join(REPO_ROOT, 'loadgen', 'bin', 'lab.mjs');

interface Check { check: string; status: 'pass' | 'warn' | 'fail'; message: string }

test('node-cluster passes every check of lab verify', async () => {
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [LAB_BIN, 'verify', '--targets', 'node-cluster', '--json'], {
      env: { ...process.env, LAB_PORT_OFFSET: OFFSET },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`lab verify did not finish in 120 s\n${err}`));
    }, 120_000);
    child.on('close', (c) => {
      clearTimeout(timer);
      resolve({ code: c, stdout: out, stderr: err });
    });
  });
  assert.equal(code, 0, `lab verify exited ${code}\n${stderr}\n${stdout}`);
  const report = JSON.parse(stdout) as { ok: boolean; targets: { name: string; checks: Check[] }[] };
  const [target] = report.targets;
  assert.equal(target?.name, 'node-cluster');
  // A warning is verify's own verdict on a busy machine (nagle: "the upstream alone is late too"), not a failure.
  assert.deepEqual(target.checks.filter((c) => c.status === 'fail'), []);
  // The contract's whole list ran, not a subset (the 504 check needs the lab to have started the row).
  for (const check of ['healthz', 'echo.body', 'line.in-order', 'line.too-long', 'line.invalid-utf8', 'upstream-error.http',
    'upstream-error.line', 'upstream-timeout.http', 'metrics.names', 'metrics.lab-info', 'disconnect.no-leak', 'nagle',
    'overhead.result.pool', 'overhead.result.spawn', 'overhead.bad-mode']) {
    assert.ok(target.checks.some((c) => c.check === check), `check ${check} did not run`);
  }
  assert.match(target.checks.find((c) => c.check === 'metrics.lab-info')!.message, /model="Node\.js cluster, \d+ workers/);
});
