import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runScenario } from '../../src/scenario-run/run-scenario.js';
import { pidListeningOn } from '../../src/runtime/index.js';
import type { LabRuntime } from '../../src/runtime/types.js';
import { readResults } from '../../src/results/files.js';
import { parseScenarioText } from '../../src/scenario/load.js';
import { openRows } from '../helpers/rows.js';

// A target that dies mid-run is recorded with what it had measured; the other targets still run.

describe('a target that dies mid-run', () => {
  let runtime: LabRuntime;
  before(async () => {
    runtime = await openRows(['node-eventloop', 'python-threads']);
  });
  after(async () => {
    await runtime?.stop();
  });

  it('keeps its completed steps, marks it failed, and runs the next target', async () => {
    const victim = runtime.targets.find((x) => x.name === 'node-eventloop')!;
    const scenario = parseScenarioText('name: dies\nexecutor: connections-sweep\nrequest: { text: hi, delay_ms: 10 }\nsteps: [1, 2, 3]\nduration: 1s\nupstream: { delay_ms: 10 }\n');
    const port = Number(new URL(victim.httpUrl).port);
    let killed: Promise<number | undefined> | undefined;
    const outcome = await runScenario(runtime, scenario, {
      outDir: mkdtempSync(path.join(os.tmpdir(), 'lab-dies-')),
      targets: ['node-eventloop', 'python-threads'],
      onProgress: (p) => {
        if (!killed && p.target === victim.name && p.phase === 'step-done') {
          killed = pidListeningOn(port).then((pid) => {
            if (pid) process.kill(pid, 'SIGKILL');
            return pid;
          });
        }
      },
    });
    const pid = await killed;
    assert.ok(pid, `a process was listening on ${victim.name}'s port ${port} and was sent SIGKILL`);
    // The death itself: the pid is gone (reaped, not a zombie) and nothing listens on the port.
    assert.throws(() => process.kill(pid, 0), (err: NodeJS.ErrnoException) => err.code === 'ESRCH', `pid ${pid} is still alive`);
    assert.equal(await pidListeningOn(port), undefined, `something still listens on ${port}`);
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
