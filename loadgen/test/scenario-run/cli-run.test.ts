import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { readResults } from '../../src/results/files.js';
import type { RunResults } from '../../src/model/results.js';
import { isPortFree, findFreePortOffset } from '../../src/runtime/ports.js';
import { pidListeningOn } from '../../src/runtime/index.js';
import { FIXTURE_SERVICES, LAB_BIN } from '../helpers/paths.js';
import { runLab } from '../helpers/processes.js';

// The real `lab run` as a user runs it, then `lab report` and `lab compare` on what it wrote,
// and the two ways a run ends early: SIGKILL (keeps completed steps) and SIGINT (exit 130).

const tmp = mkdtempSync(path.join(os.tmpdir(), 'lab-run-'));
const SERVICE_PORTS = [9000, 8107];

function scenarioFile(name: string, steps: number[], duration = '1s'): string {
  const file = path.join(tmp, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\nexecutor: connections-sweep\nrequest: { text: "hello my friend", delay_ms: 20 }\nsteps: [${steps.join(', ')}]\nduration: ${duration}\nwarmup: 0s\ncooldown: 0s\nupstream: { delay_ms: 20 }\nthresholds: ["errors < 1%", "p99 < 10s"]\n`);
  return file;
}

function runDirs(out: string): string[] {
  return existsSync(out) ? readdirSync(out).map((d) => path.join(out, d)) : [];
}

async function waitForSteps(out: string, n: number, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const dir of runDirs(out)) {
      try {
        const r = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')) as RunResults;
        if ((r.targets[0]?.steps.length ?? 0) >= n) return dir;
      } catch { /* not written yet */ }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no results.json with ${n} step(s) in ${out} within ${timeoutMs} ms`);
}

/** A SIGKILLed lab cannot stop its services: stop them here by the ports they hold. */
async function killOrphans(offset: number): Promise<void> {
  for (const port of SERVICE_PORTS) {
    const pid = await pidListeningOn(port + offset);
    if (pid === undefined) continue;
    try { process.kill(-pid, 'SIGKILL'); } catch { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  }
}

describe('lab run / report / compare (real CLI, real services)', () => {
  after(() => rmSync(tmp, { recursive: true, force: true }));
  let firstRun = '';

  it('verifies, runs, prints a row per step and writes every output', async () => {
    const offset = await findFreePortOffset();
    const out = path.join(tmp, 'full');
    const res = await runLab(['run', scenarioFile('cli-full', [1, 3]), '--targets', 'node-eventloop', '--out', out], { ...process.env, LAB_PORT_OFFSET: String(offset) }, 180_000);
    assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
    assert.match(res.stderr, /verify: ok/);
    assert.match(res.stdout, /^node-eventloop\s+1\s/m);
    assert.match(res.stdout, /^node-eventloop\s+3\s/m);
    assert.match(res.stdout, /threshold PASS errors < 1%/);
    const [dir] = runDirs(out);
    firstRun = dir!;
    const files = readdirSync(dir!);
    for (const f of ['results.json', 'results.csv', 'summary.md', 'throughput-vs-load.svg', 'throughput-vs-load.png', 'p99-vs-load.png', 'rss-vs-load.png', 'threads-vs-load.png']) {
      assert.ok(files.includes(f), `${f} written`);
    }
    const r = readResults(dir!);
    assert.equal(r.status, 'complete');
    assert.deepEqual(r.targets[0]!.steps.map((s) => s.load), [1, 3]);
    for (const port of SERVICE_PORTS) assert.ok(await isPortFree(port + offset), `port ${port + offset} released`);
  });

  it('an overhead scenario prints a line per mode and writes a chart per mode', async () => {
    const offset = await findFreePortOffset();
    const out = path.join(tmp, 'overhead');
    const file = path.join(tmp, 'cli-overhead.yaml');
    writeFileSync(file, 'name: cli-overhead\nexecutor: overhead\nsteps: [2, 4]\nduration: 1s\noverhead: { tasks: 20, sleep_ms: 2 }\n');
    const res = await runLab(['run', file, '--targets', 'node-eventloop', '--out', out, '--skip-verify'], { ...process.env, LAB_PORT_OFFSET: String(offset) }, 120_000);
    assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
    assert.match(res.stdout, /^target\s+workers\s+mode\s+tasks/m);
    for (const w of [2, 4]) assert.match(res.stdout, new RegExp(`^node-eventloop\\s+${w}\\s+pool\\s+20\\s.*\\n\\s+${w}\\s+spawn\\s+20\\s`, 'm'));
    const files = readdirSync(runDirs(out)[0]!);
    for (const f of ['overhead-vs-workers-pool.png', 'overhead-vs-workers-spawn.png', 'elapsed-vs-workers-pool.png', 'elapsed-vs-workers-spawn.png']) assert.ok(files.includes(f), `${f} written`);
  });

  it('lab report re-renders csv, summary and charts from results.json', async () => {
    for (const f of ['results.csv', 'summary.md', 'p99-vs-load.png']) rmSync(path.join(firstRun, f));
    const res = await runLab(['report', firstRun], process.env, 60_000);
    assert.equal(res.code, 0, res.stderr);
    assert.ok(statSync(path.join(firstRun, 'p99-vs-load.png')).size > 10_000);
    assert.match(readFileSync(path.join(firstRun, 'summary.md'), 'utf8'), /## node-eventloop/);
    assert.equal(readFileSync(path.join(firstRun, 'results.csv'), 'utf8').trim().split('\n').length, 3);
    const bad = await runLab(['report', path.join(tmp, 'nowhere')], process.env, 30_000);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /not a results folder/);
  });

  it('a target that fails verify is not measured: exit 3, no results folder', async () => {
    const out = path.join(tmp, 'unverified');
    const env = { ...process.env, LAB_SERVICES_DIR: FIXTURE_SERVICES, LAB_PORT_OFFSET: String(await findFreePortOffset()) };
    const res = await runLab(['run', scenarioFile('cli-broken', [1]), '--targets', 'broken-echo', '--out', out], env, 120_000);
    assert.equal(res.code, 3, `${res.stdout}\n${res.stderr}`);
    assert.match(res.stdout, /FAIL broken-echo/);
    assert.match(res.stderr, /verify failed/);
    assert.deepEqual(runDirs(out), []);
  });

  it('a run killed (SIGKILL) after its first step leaves a readable results.json with that step', async () => {
    const offset = await findFreePortOffset();
    const out = path.join(tmp, 'killed');
    const child = spawn(process.execPath, [LAB_BIN, 'run', scenarioFile('cli-killed', [1, 2, 3, 4], '2s'), '--targets', 'node-eventloop', '--out', out, '--skip-verify'], {
      env: { ...process.env, LAB_PORT_OFFSET: String(offset) },
      stdio: 'ignore',
    });
    try {
      const dir = await waitForSteps(out, 1, 90_000);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const r = readResults(dir);
      assert.equal(r.status, 'running', 'the run never got to finish');
      assert.ok(r.targets[0]!.steps.length >= 1 && r.targets[0]!.steps.length < 4);
      assert.equal(r.targets[0]!.steps[0]!.load, 1);
      assert.ok(r.targets[0]!.steps[0]!.requests > 0);
      assert.ok(!readdirSync(dir).some((f) => f.endsWith('.tmp')), 'no half-written file');

      const cmp = await runLab(['compare', firstRun, dir], process.env, 30_000);
      assert.equal(cmp.code, 0, cmp.stderr);
      // One table per figure (the views' figures hook); the killed run's missing steps say so.
      assert.match(cmp.stdout, /^req\/s \[req\/s, higher is better\]$/m);
      assert.match(cmp.stdout, /node-eventloop\s+1\s/);
      assert.match(cmp.stdout, /[+-]\d+(\.\d+)?%/, 'relative changes are printed');
      assert.match(cmp.stdout, /\(only A\)/, 'a step only the full run has is marked');
      assert.match(cmp.stdout, /n=1: cannot tell from noise/);
      const bad = await runLab(['compare', firstRun, path.join(tmp, 'nowhere')], process.env, 30_000);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /is not a results folder/);
    } finally {
      child.kill('SIGKILL');
      await killOrphans(offset);
    }
  });

  it('SIGINT stops the load, keeps the completed steps, stops the services and exits 130', async () => {
    const offset = await findFreePortOffset();
    const out = path.join(tmp, 'interrupted');
    const child = spawn(process.execPath, [LAB_BIN, 'run', scenarioFile('cli-int', [1, 2, 3, 4], '2s'), '--targets', 'node-eventloop', '--out', out, '--skip-verify'], {
      env: { ...process.env, LAB_PORT_OFFSET: String(offset) },
      stdio: 'ignore',
    });
    try {
      const dir = await waitForSteps(out, 1, 90_000);
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGINT');
      assert.equal(await exited, 130);
      const r = readResults(dir);
      assert.equal(r.status, 'aborted');
      assert.ok(r.targets[0]!.steps.length >= 1);
      assert.ok(existsSync(path.join(dir, 'summary.md')), 'the report of what was measured is written');
      for (const port of SERVICE_PORTS) assert.ok(await isPortFree(port + offset), `port ${port + offset} released`);
    } finally {
      child.kill('SIGKILL');
      await killOrphans(offset);
    }
  });
});
