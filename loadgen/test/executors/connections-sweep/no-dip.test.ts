import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { machineNoise, snapshotMachine, type MachineNoise } from '../../../src/observe/machine-noise.js';
import { openRuntime } from '../../../src/runtime/index.js';
import { findFreePortOffset } from '../../../src/runtime/ports.js';
import type { LabRuntime } from '../../../src/runtime/types.js';
import type { StepResult } from '../../../src/model/results.js';
import { runScenario } from '../../../src/scenario-run/run-scenario.js';
import { parseScenarioText } from '../../../src/scenario/load.js';

// Issue 18 item 5: the load runs on from warmup into measure (one autocannon run), and the
// measure counts what completes inside it, as wrk does. Real node-eventloop behind a real
// 100 ms upstream, 50 connections, a 2 s step. Every bound is relative to figures the run
// itself produced (its own mean latency, its own seconds), none is a timing constant; a run
// that misses them on a machine the lab itself measured as busy says so and skips.

const SCENARIO = `name: t-no-dip
executor: connections-sweep
request: { text: "hello my friend", delay_ms: 100 }
steps: [50]
warmup: 1s
duration: 2s
cooldown: 0s
upstream: { delay_ms: 100 }
`;

/** Little's law for a closed model with no think time: connections / mean latency. */
function littlesLaw(s: StepResult): number {
  return s.load / (s.latency_ms.mean! / 1000);
}

/** The measure seconds of the step's timeline: the first, and the mean of the others. */
function seconds(s: StepResult): { first: number; others: number } {
  // Whole seconds inside the measure window (the timeline's measure phase runs on to the step's end).
  const m = s.timeline!.seconds.filter((x) => x.phase === 'measure' && x.dur_s === 1 && x.t_s + x.dur_s <= s.duration_s);
  assert.ok(m.length >= 2, `two measured seconds in the timeline: ${JSON.stringify(s.timeline?.seconds.map((x) => [x.phase, x.t_s, x.dur_s]))}`);
  const rest = m.slice(1);
  return { first: m[0]!.rps, others: rest.reduce((a, x) => a + x.rps, 0) / rest.length };
}

describe('connections-sweep: no start-of-measure dip', () => {
  let runtime: LabRuntime;
  let out: string;
  before(async () => {
    out = mkdtempSync(path.join(os.tmpdir(), 'lab-no-dip-'));
    runtime = await openRuntime({ kind: 'local', targets: ['node-eventloop'], portOffset: await findFreePortOffset() });
    assert.ok(runtime.targets.some((t) => t.name === 'node-eventloop'), `node-eventloop is running: ${JSON.stringify(runtime.unavailable)}`);
  });
  after(async () => {
    await runtime?.stop();
    rmSync(out, { recursive: true, force: true });
  });

  it('a steady row at 50 connections through 100 ms serves 0.98 of Little\'s law in 2 s, its first measured second like the others', async (t: TestContext) => {
    // Up to three steps: the 50 answers of a wave land together, and where the 2 s window cuts
    // the ~18 waves moves a step by up to one wave (CI once read 0.973 with its first second
    // 0.893 of the others). The dip this guards against was in every step; a phase is in one.
    const tried: string[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const verdict = await oneStep(attempt === 3);
      if (verdict.ok) return;
      if (verdict.skip) return t.skip(verdict.skip);
      tried.push(verdict.figures);
    }
    assert.fail(`three steps missed: ${tried.join('; ')}`);
  });

  /** One 2 s step, checked: ok, a skip (busy machine), or its figures when it missed. */
  async function oneStep(last: boolean): Promise<{ ok: boolean; skip?: string; figures: string }> {
    const parts = [{ name: 'lab', pids: [process.pid] }];
    const before = snapshotMachine(parts);
    const outcome = await runScenario(runtime, parseScenarioText(SCENARIO), { outDir: out, targets: ['node-eventloop'] });
    const noise = machineNoise(before, snapshotMachine(parts));
    const s = outcome.results.targets[0]!.steps[0]!;
    assert.equal(s.errors.timeouts + s.errors.connection + s.errors.non2xx, 0, JSON.stringify(s.errors));
    assert.ok(s.latency_ms.mean! >= 100, `every answer waits for the 100 ms upstream (mean ${s.latency_ms.mean} ms)`);
    assert.ok(s.duration_s >= 1.9 && s.duration_s < 3, `the window is the step's 2 s (${s.duration_s})`);
    const ideal = littlesLaw(s);
    const { first, others } = seconds(s);
    const fidelity = s.rps / ideal;
    const firstShare = first / others;
    // The 50 connections move in lock-step through the fixed 100 ms upstream, so answers arrive
    // in waves of 50 and a 1 s bin holds 9 or 10 of them (450 or 500 at ~105 ms): a bin cannot
    // resolve a difference finer than one wave, which here is ~11%. The allowance is therefore
    // 5% or one wave, whichever is larger. The dip this guards against was 14% (407 against a
    // mean of ~475), and the whole-window fidelity above is not quantised this way.
    const wave = s.load / others;
    const allowance = Math.max(0.05, wave);
    const figures = `${s.rps.toFixed(1)} req/s = ${fidelity.toFixed(3)} of Little's law (${ideal.toFixed(1)} at mean ${s.latency_ms.mean} ms); first second ${first.toFixed(1)}, others ${others.toFixed(1)} (${firstShare.toFixed(3)}, allowed ±${allowance.toFixed(3)}: one wave of ${s.load})`;
    const ok = fidelity >= 0.98 && Math.abs(firstShare - 1) <= allowance;
    if (!ok && last && noise.busy_machine) return { ok, skip: `busy machine (${busy(noise)}): ${figures}`, figures };
    return { ok, figures };
  }
});

function busy(n: MachineNoise): string {
  return `${n.foreign_cpu_cores.toFixed(2)} cores foreign, ${n.busy_cores.toFixed(2)} busy of ${n.cpus}, load ${n.loadavg[0].toFixed(1)}`;
}
