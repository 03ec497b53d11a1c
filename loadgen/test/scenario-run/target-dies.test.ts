import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runScenario } from '../../src/scenario-run/run-scenario.js';
import { openRuntime, pidListeningOn } from '../../src/runtime/index.js';
import { findFreePortOffset } from '../../src/runtime/ports.js';
import type { LabRuntime } from '../../src/runtime/types.js';
import { readResults } from '../../src/results/files.js';
import { parseScenarioText } from '../../src/scenario/load.js';

// A target that dies mid-run is recorded with what it had measured; the other targets still run.

describe('a target that dies mid-run', () => {
  let runtime: LabRuntime;
  before(async () => {
    runtime = await openRuntime({ kind: 'local', targets: ['node-eventloop', 'python-threads'], portOffset: await findFreePortOffset() });
  });
  after(async () => {
    await runtime?.stop();
  });

  it('keeps its completed steps, marks it failed, and runs the next target', async (t) => {
    const names = runtime.targets.map((x) => x.name);
    if (names.length < 2) return t.skip(`needs two rows, running: ${names.join(', ')}`);
    const victim = runtime.targets.find((x) => x.name === 'node-eventloop')!;
    const scenario = parseScenarioText('name: dies\nexecutor: connections-sweep\nrequest: { text: hi, delay_ms: 10 }\nsteps: [1, 2, 3]\nduration: 1s\nupstream: { delay_ms: 10 }\n');
    let killed = false;
    const outcome = await runScenario(runtime, scenario, {
      outDir: mkdtempSync(path.join(os.tmpdir(), 'lab-dies-')),
      targets: ['node-eventloop', 'python-threads'],
      onProgress: (p) => {
        if (!killed && p.target === victim.name && p.phase === 'step-done') {
          killed = true;
          void pidListeningOn(Number(new URL(victim.httpUrl).port)).then((pid) => pid && process.kill(pid, 'SIGKILL'));
        }
      },
    });
    assert.ok(killed);
    const r = readResults(outcome.dir);
    assert.equal(r.status, 'failed');
    const dead = r.targets.find((x) => x.name === victim.name)!;
    assert.match(dead.failed ?? '', /stopped answering/);
    assert.equal(dead.steps[0]!.load, 1);
    assert.ok(dead.steps[0]!.requests > 0, 'the step measured before the crash is kept');
    assert.ok(dead.steps.length < 3);
    assert.ok(dead.steps.at(-1)!.warnings.some((w) => /step failed|errors/.test(w)), JSON.stringify(dead.steps.at(-1)!.warnings));
    const other = r.targets.find((x) => x.name === 'python-threads')!;
    assert.equal(other.failed, undefined);
    assert.deepEqual(other.steps.map((s) => s.load), [1, 2, 3]);
    assert.deepEqual(outcome.failedTargets.map((f) => f.name), [victim.name]);
  });
});
