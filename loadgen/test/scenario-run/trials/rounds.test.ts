import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { runScenario } from '../../../src/scenario-run/run-scenario.js';
import { openLocalRuntime } from '../../../src/runtime/index.js';
import { findFreePortOffset } from '../../../src/runtime/ports.js';
import { parseScenarioText } from '../../../src/scenario/load.js';
import { readResults } from '../../../src/results/files.js';
import { resultsProblems } from '../../../src/results/validate.js';
import { RESULTS_SCHEMA_VERSION } from '../../../src/model/results.js';

// Trials in rounds (issue 18) through the real run loop against a real node-eventloop: every
// step once, then again (A B A B A B), each trial's figures kept, each figure's interval, the
// representative trial's keys as the step's, the machine's noise, the lab's CPU by purpose and
// the sampler's budgeted cadence per step.

const out = mkdtempSync(path.join(os.tmpdir(), 'lab-trials-'));
let runtime: Awaited<ReturnType<typeof openLocalRuntime>> | undefined;

describe('trials in rounds (real run loop, real row)', () => {
  before(async () => {
    runtime = await openLocalRuntime({ targets: ['node-eventloop'], portOffset: await findFreePortOffset() });
  });
  after(async () => {
    await runtime?.stop();
    rmSync(out, { recursive: true, force: true });
  });

  it('3 trials of 2 steps, in rounds, published with intervals', async () => {
    assert.ok(runtime!.targets.some((t) => t.name === 'node-eventloop'), JSON.stringify(runtime!.unavailable));
    const scenario = parseScenarioText('name: trials-rounds\nexecutor: connections-sweep\ntargets: [node-eventloop]\nrequest: { delay_ms: 20 }\nupstream: { delay_ms: 20 }\nsteps: [1, 4]\nduration: 1s\nwarmup: 0s\ncooldown: 0s\ntrials: 3\nprecision: 50%\n');
    const notes: string[] = [];
    const order: string[] = [];
    const outcome = await runScenario(runtime!, scenario, {
      outDir: out,
      onNote: (m) => notes.push(m),
      onProgress: (p) => { if (p.phase === 'step-done') order.push(`${p.step}#${p.trial}`); },
    });
    assert.ok(notes.some((n) => /^planned: 2 steps x 1 row x up to 3 trials, about \d+ s/.test(n)), notes.join('\n'));
    // Rounds: every step once, then again; below 6 trials no interval reaches 95%, so all 3 run.
    assert.deepEqual(order, ['1#1', '4#1', '1#2', '4#2', '1#3', '4#3']);

    const r = readResults(outcome.dir);
    assert.equal(r.schema_version, RESULTS_SCHEMA_VERSION);
    assert.deepEqual(resultsProblems(r), []);
    assert.equal(r.scenario.trials, 3);
    const steps = r.targets[0]!.steps;
    assert.deepEqual(steps.map((s) => s.load), [1, 4]);
    for (const s of steps) {
      assert.equal(s.trials?.length, 3);
      const rps = s.trials!.map((t) => t.figures.rps!);
      const rep = s.representative_trial!;
      // The representative is a real trial: its rps is the median of the three.
      assert.equal(rps[rep], [...rps].sort((a, b) => a - b)[1]);
      assert.equal(s.rps, rps[rep]);
      assert.equal(s.intervals!.rps!.n, 3);
      assert.equal(s.intervals!.rps!.lo, Math.min(...rps));
      assert.equal(s.intervals!.rps!.hi, Math.max(...rps));
      assert.equal(s.intervals!.rps!.coverage, 0.75);
      assert.ok(s.intervals!['latency.p99_ms'], 'every published figure has its interval');
      // The trials are in the order measured, and each had its own noise window.
      const started = s.trials!.map((t) => Date.parse(t.started_at));
      assert.ok(started[0]! < started[1]! && started[1]! < started[2]!, JSON.stringify(started));
      for (const t of s.trials!) assert.ok(t.noise && t.noise.window_s > 0.5 && t.noise.foreign_cpu_cores >= 0, JSON.stringify(t.noise));
      assert.equal(typeof s.busy_machine, 'boolean');
      assert.ok(s.loadgen.cpu_by_purpose && s.loadgen.cpu_by_purpose.loadgen! > 0, JSON.stringify(s.loadgen));
      // The cadence keeps the row's scrapes within half of the 1% goal, between 500 ms and 2 s.
      assert.ok(s.sampler && s.sampler.interval_ms >= 500 && s.sampler.interval_ms <= 5000, JSON.stringify(s.sampler));
      if (s.sampler.scrape_cpu_s !== null) {
        assert.ok(Math.abs(s.sampler.cost_cores! - s.sampler.scrape_cpu_s / (s.sampler.interval_ms / 1000)) < 1e-9);
        if (s.sampler.interval_ms < 5000) assert.ok(s.sampler.cost_cores! <= 0.005 + 1e-9, `the scrapes cost the row ${s.sampler.cost_cores} of a core`);
      }
    }
    // Step 4 was measured after step 1's first trial and before its second.
    assert.ok(Date.parse(steps[1]!.trials![0]!.started_at) < Date.parse(steps[0]!.trials![1]!.started_at));
  });

  it('a program outside the lab burning a core makes the step a busy machine, left out of the findings', async () => {
    // A busy loop reparented away from this process (its shell exits at once): foreign CPU.
    const sh = spawnSync('sh', ['-c', 'sh -c "while :; do :; done" >/dev/null 2>&1 & echo $!'], { encoding: 'utf8' });
    const burner = Number(sh.stdout.trim());
    assert.ok(burner > 0, sh.stderr);
    try {
      const scenario = parseScenarioText('name: trials-busy\nexecutor: connections-sweep\ntargets: [node-eventloop]\nrequest: { delay_ms: 20 }\nupstream: { delay_ms: 20 }\nsteps: [2]\nduration: 1s\n');
      const outcome = await runScenario(runtime!, scenario, { outDir: out });
      const step = readResults(outcome.dir).targets[0]!.steps[0]!;
      assert.ok(step.noise!.foreign_cpu_cores > 0.5, `a burning core is foreign: ${JSON.stringify(step.noise)}`);
      assert.equal(step.busy_machine, true);
      assert.ok(outcome.report?.findings.notes.some((n) => /1 step measured on a busy machine .* left out: node-eventloop at 2/.test(n)), JSON.stringify(outcome.report?.findings.notes));
    } finally {
      process.kill(burner, 'SIGKILL');
    }
  });
});
