import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findFreePortOffset } from '../../src/runtime/ports.js';
import { FIXTURE_SERVICES } from '../helpers/paths.js';
import { pidListeningOn } from '../../src/runtime/local/proc-tree.js';
import { assertGroupGone, runLab, startLab } from '../helpers/processes.js';

async function fixtureEnv(): Promise<NodeJS.ProcessEnv> {
  return { ...process.env, LAB_SERVICES_DIR: FIXTURE_SERVICES, LAB_PORT_OFFSET: String(await findFreePortOffset()) };
}

test('lab verify exits 3 on a broken target and names the failed checks with their URLs', async () => {
  const run = await runLab(['verify', '--targets', 'broken-echo'], await fixtureEnv());
  assert.equal(run.code, 3, run.stdout + run.stderr);
  assert.match(run.stdout, /FAIL broken-echo echo\.body: expected 200 "echo: /);
  assert.match(run.stdout, /FAIL broken-echo metrics\.names: missing: lab_os_threads/);
  assert.match(run.stdout, /at http:\/\/127\.0\.0\.1:\d+\/echo\?/);
  assert.match(run.stdout, /verify: FAILED/);
});

test('lab verify --json prints only the machine-readable report', async () => {
  const run = await runLab(['verify', '--targets', 'broken-echo', '--json'], await fixtureEnv());
  assert.equal(run.code, 3, run.stderr);
  const report = JSON.parse(run.stdout) as { ok: boolean; targets: { name: string; checks: { check: string; status: string }[] }[] };
  assert.equal(report.ok, false);
  assert.equal(report.targets[0]?.name, 'broken-echo');
  assert.ok(report.targets[0]!.checks.some((c) => c.check === 'echo.body' && c.status === 'fail'));
});

test('lab verify: bad flags and unknown targets exit 2 naming what is valid', async () => {
  const env = await fixtureEnv();
  const unknown = await runLab(['verify', '--targets', 'no-such-row'], env);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown target 'no-such-row'; valid targets: .*good-echo/);
  const runtime = await runLab(['verify', '--runtime', 'podman'], env);
  assert.equal(runtime.code, 2);
  assert.match(runtime.stderr, /--runtime must be one of local, docker, swarm, got 'podman'/);
});

test('lab verify on an unavailable target named explicitly exits 3 with the install hint', async () => {
  const run = await runLab(['verify', '--targets', 'needs-python-module'], await fixtureEnv());
  assert.equal(run.code, 3, run.stdout + run.stderr);
  assert.match(run.stdout, /UNAVAILABLE needs-python-module: .*cannot import/);
  assert.match(run.stdout, /fix: (sudo )?apt-get install -y python3-lab-fixture-nosuch/);
});

test('Ctrl-C during lab verify stops the services it started (no orphan group) and exits 130', async () => {
  const env = await fixtureEnv();
  const offset = Number(env.LAB_PORT_OFFSET);
  const lab = await startLab(['verify', '--targets', 'good-echo'], env, '[good-echo] healthy');
  const pgids: number[] = [];
  try {
    for (const port of [9000 + offset, 8101 + offset]) {
      const pid = await pidListeningOn(port);
      assert.ok(pid, `a service listens on ${port}`);
      pgids.push(pid); // each service leads its own group
    }
  } finally {
    const exited = new Promise<number | null>((resolve) => lab.child.once('exit', (code) => resolve(code)));
    lab.child.kill('SIGINT');
    assert.equal(await exited, 130, lab.err());
  }
  for (const pgid of pgids) await assertGroupGone(pgid);
});
