// A stop is never a crash (runtime/lab-stop.ts): SIGINT/SIGTERM at several moments of the real
// `lab up` and `lab run`, as child processes. Whatever the moment, the lab exits 130/143, prints
// "lab stopped.", reports no crash and no relaunch, keeps its completed steps, and no process it
// started is left (found by a marker in the environment every process of the lab inherits).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { RunResults } from '../../src/model/results.js';
import { findFreePortOffset } from '../../src/runtime/ports.js';
import { processesWithEnv, spawnLab } from '../helpers/processes.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'lab-stop-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function labEnv(): Promise<{ env: NodeJS.ProcessEnv; marker: string }> {
  const marker = randomUUID();
  return { marker, env: { ...process.env, LAB_PORT_OFFSET: String(await findFreePortOffset()), LAB_STOP_TEST: marker } };
}

/** What every stop must leave: the conventional code, the words, no crash, no process. */
async function assertStopped(lab: ReturnType<typeof spawnLab>, marker: string, code: number): Promise<void> {
  const { code: exitCode } = await lab.exited;
  const out = lab.out();
  assert.equal(exitCode, code, out);
  assert.match(out, /lab stopped\./, out);
  assert.doesNotMatch(out, /crash|relaunch|restarting|restarted|gave-up/i, out);
  assert.deepEqual(await processesWithEnv('LAB_STOP_TEST', marker), [], 'a process of the lab outlived it');
}

function scenarioFile(name: string, steps: number[], duration: string): string {
  const file = path.join(tmp, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\nexecutor: connections-sweep\nrequest: { text: "hello my friend", delay_ms: 20 }\nsteps: [${steps.join(', ')}]\nduration: ${duration}\nwarmup: 0s\ncooldown: 0s\nupstream: { delay_ms: 20 }\n`);
  return file;
}

function readRun(out: string): RunResults | undefined {
  for (const dir of existsSync(out) ? readdirSync(out) : []) {
    try { return JSON.parse(readFileSync(path.join(out, dir, 'results.json'), 'utf8')) as RunResults; } catch { /* not written yet */ }
  }
  return undefined;
}

async function waitForRun(out: string, until: (r: RunResults) => boolean, timeoutMs: number): Promise<RunResults | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const r = readRun(out);
    if (r && until(r)) return r;
    await new Promise((res) => setTimeout(res, 20));
  }
  return undefined;
}

const ROWS = 'python-threads,node-eventloop';

describe('lab up stops cleanly at any moment', () => {
  it('SIGINT while the rows start: exit 130, nothing left', async () => {
    const { env, marker } = await labEnv();
    const lab = spawnLab(['up', '--no-autorun', '--targets', ROWS, '--out', path.join(tmp, 'up-start')], env);
    await lab.waitFor(/\[(python-threads|node-eventloop)\] starting/);
    lab.child.kill('SIGINT');
    await assertStopped(lab, marker, 130);
  });

  it('SIGINT during the start-up verify: exit 130, no service "crashed", none relaunched', async () => {
    const { env, marker } = await labEnv();
    const lab = spawnLab(['up', '--no-autorun', '--targets', ROWS, '--out', path.join(tmp, 'up-verify')], env);
    await lab.waitFor(/name\s+model\s+http\s+line\s+status/);
    await new Promise((r) => setTimeout(r, 1500)); // verify takes >= 3 s per row (the 504 path)
    assert.doesNotMatch(lab.out(), /lab is up/, 'still verifying');
    lab.child.kill('SIGINT');
    await assertStopped(lab, marker, 130);
  });

  it('SIGTERM once up: exit 143', async () => {
    const { env, marker } = await labEnv();
    const lab = spawnLab(['up', '--no-autorun', '--targets', 'node-eventloop', '--out', path.join(tmp, 'up-up')], env);
    await lab.waitFor(/lab is up/, 90_000);
    lab.child.kill('SIGTERM');
    await assertStopped(lab, marker, 143);
  });

  it('a second Ctrl-C kills at once, and still leaves no process', async () => {
    const { env, marker } = await labEnv();
    const lab = spawnLab(['up', '--no-run', '--targets', ROWS], env);
    await lab.waitFor(/lab is up/, 90_000);
    lab.child.kill('SIGINT');
    await lab.waitFor(/SIGINT: stopping the lab/); // two signals sent at once would merge into one
    lab.child.kill('SIGINT');
    const { code } = await lab.exited;
    assert.equal(code, 130, lab.out());
    assert.match(lab.out(), /again: killing every process of the lab at once/);
    // SIGKILL is sent on the way out; the kernel takes a moment to reap.
    let left = await processesWithEnv('LAB_STOP_TEST', marker);
    for (let i = 0; i < 40 && left.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      left = await processesWithEnv('LAB_STOP_TEST', marker);
    }
    assert.deepEqual(left, []);
  });
});

describe('lab run stops cleanly at any moment', () => {
  it('SIGINT during verify: exit 130, nothing left', async () => {
    const { env, marker } = await labEnv();
    const lab = spawnLab(['run', scenarioFile('stop-verify', [1], '1s'), '--targets', 'python-threads', '--out', path.join(tmp, 'run-verify')], env);
    await lab.waitFor(/verifying python-threads/, 60_000);
    await new Promise((r) => setTimeout(r, 500));
    lab.child.kill('SIGINT');
    await assertStopped(lab, marker, 130);
  });

  it('SIGTERM during a step: exit 143, the completed steps stay valid, the interrupted one is marked', async () => {
    const { env, marker } = await labEnv();
    const out = path.join(tmp, 'run-step');
    const lab = spawnLab(['run', scenarioFile('stop-step', [1, 2, 3], '2s'), '--targets', 'python-threads', '--out', out, '--skip-verify'], env);
    assert.ok(await waitForRun(out, (r) => (r.targets[0]?.steps.length ?? 0) >= 1, 90_000), lab.out());
    await new Promise((r) => setTimeout(r, 500)); // into the second step
    lab.child.kill('SIGTERM');
    await assertStopped(lab, marker, 143);
    const r = readRun(out)!;
    assert.equal(r.status, 'aborted');
    const [first, ...rest] = r.targets[0]!.steps;
    assert.equal(first!.load, 1);
    assert.ok(first!.requests > 0 && first!.interrupted === undefined, JSON.stringify(first));
    assert.equal(first!.errors.connection + first!.errors.timeouts + first!.errors.non2xx, 0, 'the completed step saw no error of the stop');
    for (const s of rest) assert.equal(s.interrupted, true, `step ${s.load} was cut short and says so`);
  });

  it('SIGINT while a pause event holds the row frozen (SIGSTOP): exit 130, the group thawed and stopped', async () => {
    const { env, marker } = await labEnv();
    const file = path.join(tmp, 'stop-pause.yaml');
    writeFileSync(file, 'name: stop-pause\nexecutor: connections-sweep\nrequest: { text: "hello" }\nsteps: [2]\nduration: 20s\nwarmup: 0s\ncooldown: 0s\nevents:\n  - { at: 1s, pause: target, for: 15s }\n');
    const lab = spawnLab(['run', file, '--targets', 'node-eventloop', '--out', path.join(tmp, 'run-pause'), '--skip-verify'], env);
    const deadline = Date.now() + 60_000;
    while (!(await processesWithEnv('LAB_STOP_TEST', marker)).some((p) => p.state === 'T')) {
      assert.ok(Date.now() < deadline && lab.child.exitCode === null, `the row was never frozen:\n${lab.out()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    lab.child.kill('SIGINT');
    await assertStopped(lab, marker, 130);
  });

  it('SIGINT after the last step (rendering, or stopping the services): exit 130, every step kept', async (t) => {
    const { env, marker } = await labEnv();
    const out = path.join(tmp, 'run-render');
    const lab = spawnLab(['run', scenarioFile('stop-render', [1, 2], '1s'), '--targets', 'node-eventloop', '--out', out, '--skip-verify'], env);
    // status leaves 'running' just before the report is rendered; the services stop after it.
    const r = await waitForRun(out, (x) => x.status !== 'running', 90_000);
    if (lab.child.exitCode !== null) {
      t.skip('the run had finished rendering before the signal could be sent (a fast machine)');
      return;
    }
    lab.child.kill('SIGINT');
    await assertStopped(lab, marker, 130);
    assert.equal(r?.status, 'complete');
    const kept = readRun(out)!;
    assert.deepEqual(kept.targets[0]!.steps.map((s) => [s.load, s.interrupted ?? false]), [[1, false], [2, false]]);
  });
});
