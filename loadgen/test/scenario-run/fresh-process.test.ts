import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readResults } from '../../src/results/files.js';
import { LabError } from '../../src/core/errors.js';
import { openLocalRuntime } from '../../src/runtime/index.js';
import { pidListeningOn } from '../../src/runtime/local/proc-tree.js';
import type { LabRuntime } from '../../src/runtime/types.js';
import { runScenario } from '../../src/scenario-run/run-scenario.js';
import { parseScenarioText } from '../../src/scenario/load.js';

// `fresh_process: true` (issue 18): every round of trials restarts each row before its steps,
// so that idle bytes per connection of trial 2 are not read off the allocator trial 1 grew.
// Checked on a real row: which process answered each trial, and what happens to a row the lab
// attached to and cannot restart, and of one whose restart fails. Ports: LAB_PORT_OFFSET 7700.

const ROW = 'node-eventloop';
const OFFSET = 7700;
const scenario = (fresh: boolean | 'step') => parseScenarioText(`
name: fresh-process-test
executor: idle-connections
steps: [20, 50]
duration: 500ms
trials: 2
fresh_process: ${fresh}
allow_busy: true
`);

/** The runtime with each trial's first step seeing which process answers the row's line port. */
function watchPids(runtime: LabRuntime, port: number): { pids: (number | undefined)[]; restarts: number } {
  const seen = { pids: [] as (number | undefined)[], restarts: 0 };
  const restart = runtime.restart.bind(runtime);
  runtime.restart = async (name) => {
    seen.restarts++;
    await restart(name);
  };
  const stats = runtime.stats.bind(runtime);
  runtime.stats = async (name) => {
    const pid = await pidListeningOn(port);
    if (seen.pids.at(-1) !== pid) seen.pids.push(pid);
    return stats(name);
  };
  return seen;
}

describe('fresh_process: a fresh row for every round of trials', () => {
  let runtime: LabRuntime;
  let out: string;
  let port: number;
  before(async () => {
    out = mkdtempSync(path.join(os.tmpdir(), 'lab-fresh-process-'));
    runtime = await openLocalRuntime({ portOffset: OFFSET, logDir: path.join(out, 'logs'), targets: [ROW] });
    assert.deepEqual(runtime.targets.map((t) => t.name), [ROW], `row not running: ${JSON.stringify(runtime.unavailable)}`);
    port = runtime.targets[0]!.line!.port;
  });
  after(async () => {
    await runtime?.stop();
    rmSync(out, { recursive: true, force: true });
  });

  it('restarts the row before each round: two trials, two fresh processes, both steps of a round on one', async () => {
    const seen = watchPids(runtime, port);
    const outcome = await runScenario(runtime, scenario(true), { outDir: out });
    assert.equal(outcome.failedTargets.length, 0, JSON.stringify(outcome.failedTargets));
    assert.equal(seen.restarts, 2);
    // The process the lab started (its scrape cost is read first), then one per round.
    assert.equal(seen.pids.length, 3, `one process per round: ${JSON.stringify(seen.pids)}`);
    assert.equal(new Set(seen.pids).size, 3);
    const r = readResults(outcome.dir);
    assert.equal(r.scenario.fresh_process, true);
    assert.deepEqual(r.targets[0]!.steps.map((s) => s.trials?.length), [2, 2]);
  });

  it('without it, every trial reads the same process', async () => {
    const seen = watchPids(runtime, port);
    await runScenario(runtime, scenario(false), { outDir: out });
    assert.equal(seen.restarts, 0);
    assert.equal(seen.pids.length, 1, JSON.stringify(seen.pids));
  });

  it('a row the lab attached to is measured as it is, and the run says it is measured on one process', async () => {
    // A second lab on the same ports finds the row answering and attaches to it.
    const attached = await openLocalRuntime({ portOffset: OFFSET, logDir: path.join(out, 'logs2'), targets: [ROW] });
    try {
      const notes: string[] = [];
      const outcome = await runScenario(attached, scenario(true), { outDir: out, onNote: (m) => notes.push(m) });
      assert.equal(outcome.failedTargets.length, 0, JSON.stringify(outcome.failedTargets));
      const said = notes.filter((n) => n.startsWith('fresh_process:'));
      assert.equal(said.length, 1, JSON.stringify(notes));
      assert.match(said[0]!, new RegExp(`could not restart ${ROW} \\(cannot restart '${ROW}': the lab attached to it .*\\); it is measured on one process from here on`));
    } finally {
      await attached.stop();
    }
  });

  it('a restart that fails stops the row\'s trials: the run fails with why, and keeps the rounds it measured', async () => {
    // The runtime's restart as the Docker one fails when the row does not come back healthy.
    const restart = runtime.restart.bind(runtime);
    let calls = 0;
    runtime.restart = async (name) => {
      if (++calls === 2) throw new LabError(`${name} did not come back healthy after a restart (timeout)\n(log tail)`);
      await restart(name);
    };
    const notes: string[] = [];
    try {
      const outcome = await runScenario(runtime, scenario(true), { outDir: out, onNote: (m) => notes.push(m) });
      assert.deepEqual(outcome.failedTargets, [{ name: ROW, reason: `fresh_process: the restart before its trial failed: ${ROW} did not come back healthy after a restart (timeout)` }]);
      assert.equal(notes.filter((n) => n.includes('on one process')).length, 0, 'not the attached row\'s note');
      const r = readResults(outcome.dir);
      assert.equal(r.status, 'failed');
      assert.equal(r.targets[0]!.failed, outcome.failedTargets[0]!.reason);
      // Round one's trials stay; round two measured nothing on a row that may be down.
      assert.deepEqual(r.targets[0]!.steps.map((s) => s.trials?.length ?? 1), [1, 1]);
    } finally {
      runtime.restart = restart;
    }
  });

  it('fresh_process: step restarts the row before every step too: each trial of each step on its own process', async () => {
    const seen = watchPids(runtime, port);
    const outcome = await runScenario(runtime, scenario('step'), { outDir: out });
    assert.equal(outcome.failedTargets.length, 0, JSON.stringify(outcome.failedTargets));
    // Two steps x two trials: four restarts, and each step of each trial read a process of its own
    // (the row's scrape cost was probed by the first run, so no step reads the one before them).
    assert.equal(seen.restarts, 4);
    assert.equal(seen.pids.length, 4, JSON.stringify(seen.pids));
    assert.equal(new Set(seen.pids).size, 4);
    const r = readResults(outcome.dir);
    assert.equal(r.scenario.fresh_process, 'step');
    assert.deepEqual(r.targets[0]!.steps.map((s) => s.trials?.length), [2, 2]);
  });
});
