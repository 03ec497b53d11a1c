import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { getEventListeners } from 'node:events';
import { autocannonWorkers } from '../../src/executors/connections-sweep/executor.js';
import { rateSweep } from '../../src/executors/rate-sweep/executor.js';
import { loadgenRegistry } from '../../src/observe/loadgen-metrics.js';
import { runScenario } from '../../src/scenario-run/run-scenario.js';
import type { LabRuntime } from '../../src/runtime/types.js';
import { parseScenarioText } from '../../src/scenario/load.js';
import { resultsProblems } from '../../src/results/validate.js';
import { openRows } from '../helpers/rows.js';

// Every executor against real local services (the upstream, node-eventloop and python-threads:
// both must start, a missing Python package fails here with its install command), 1 s steps.

let runtime: LabRuntime;
const out = mkdtempSync(path.join(os.tmpdir(), 'lab-executors-'));

function scenario(executor: string, steps: number[], extra = '') {
  return parseScenarioText(`name: t-${executor}\nexecutor: ${executor}\nrequest: { text: "hello my friend", delay_ms: 20 }\nsteps: [${steps.join(', ')}]\nduration: 1s\nwarmup: 0s\ncooldown: 0s\nupstream: { delay_ms: 20 }\n${extra}`);
}

describe('executors against real services', () => {
  before(async () => {
    runtime = await openRows(['node-eventloop', 'python-threads']);
  });
  after(async () => {
    await runtime?.stop();
  });

  const loadSteps = (executor: string, steps: number[]) => async () => {
    const progress: string[] = [];
    const scrapes: Promise<string>[] = [];
    const outcome = await runScenario(runtime, scenario(executor, steps), {
      outDir: out,
      targets: ['node-eventloop'],
      onProgress: (p) => {
        progress.push(p.phase);
        // The load generator's own series are live during measure (updated at least per second).
        if (p.phase === 'measure' && p.elapsed >= 0.99 * p.phaseSeconds) scrapes.push(loadgenRegistry.metrics());
      },
    });
    const live = (await Promise.all(scrapes)).join('\n');
    assert.match(live, /lab_loadgen_achieved_rps\{target="node-eventloop"\} [1-9]/, 'achieved rps was published');
    assert.match(live, /lab_loadgen_info\{scenario="t-[a-z-]+",executor="[a-z-]+",target="node-eventloop",phase="measure"\} 1/);
    assert.match(live, /lab_loadgen_ideal_rps\{target="node-eventloop"\}/);
    assert.deepEqual(resultsProblems(outcome.results), []);
    assert.equal(outcome.results.status, 'complete');
    const t = outcome.results.targets[0]!;
    assert.deepEqual(t.steps.map((s) => s.load), steps);
    for (const s of t.steps) {
      assert.ok(s.requests > 0 && s.rps > 0, `${executor} @ ${s.load}: ${s.requests} requests`);
      assert.equal(s.errors.timeouts + s.errors.non2xx + s.errors.connection, 0, JSON.stringify(s.errors));
      assert.equal(s.errors.by_kind.mismatch, undefined, 'every body was the expected echo');
      assert.ok(s.latency_ms.p50! >= 20, `latency includes the 20 ms upstream delay (p50 ${s.latency_ms.p50})`);
      assert.ok(s.latency_ms.p50! <= s.latency_ms.p99! && s.latency_ms.p99! <= s.latency_ms.max!);
      assert.ok(s.server.cpu_seconds !== null && s.server.rss_bytes_peak! > 0 && s.server.os_threads_peak! >= 1, JSON.stringify(s.server));
      assert.ok(s.loadgen.cpu_seconds > 0);
      assert.ok(s.ideal_rps! > 0);
    }
    assert.ok(progress.includes('measure') && progress.includes('step-done'));
    return t;
  };

  it('connections-sweep (autocannon, closed model)', async () => {
    await loadSteps('connections-sweep', [1, 4])();
  });

  it('connections-sweep with autocannon worker threads (forced by LAB_AUTOCANNON_WORKERS)', async () => {
    process.env.LAB_AUTOCANNON_WORKERS = '2';
    try {
      const t = await loadSteps('connections-sweep', [20])();
      assert.equal(t.steps[0]!.loadgen.threads, 2);
    } finally {
      delete process.env.LAB_AUTOCANNON_WORKERS;
    }
  });

  it('worker threads only when one thread would saturate and cores are to spare', () => {
    assert.equal(autocannonWorkers(1000, 100, 2, {}), undefined, '2 cores: the target needs them');
    assert.equal(autocannonWorkers(200, 100, 16, {}), undefined, '2000 req/s: one thread copes');
    assert.equal(autocannonWorkers(1000, 100, 16, {}), 4);
    assert.equal(autocannonWorkers(1000, 100, 4, {}), 2);
    assert.equal(autocannonWorkers(10, 100, 2, { LAB_AUTOCANNON_WORKERS: '3' }), 3);
    assert.throws(() => autocannonWorkers(10, 100, 2, { LAB_AUTOCANNON_WORKERS: 'many' }), /LAB_AUTOCANNON_WORKERS/);
  });

  it('rate-sweep (open model) never sends more than scheduled', async () => {
    const t = await loadSteps('rate-sweep', [20, 50])();
    for (const s of t.steps) {
      assert.equal(s.ideal_rps, s.load);
      assert.ok(s.requests <= s.load * s.duration_s + 1, `${s.requests} requests at ${s.load}/s for ${s.duration_s}s`);
    }
  });

  it('rate-sweep leaves no abort listener on the run\'s signal, window after window', async () => {
    // The run's signal lives for every step: a listener per window was MaxListenersExceeded in a 2-minute soak.
    const controller = new AbortController();
    const target = runtime.targets.find((t) => t.name === 'node-eventloop')!;
    const run = await rateSweep.start({ scenario: scenario('rate-sweep', [20]), runtime, target, load: 20, signal: controller.signal, onLive: () => {} });
    try {
      for (let i = 1; i <= 12; i++) {
        const m = await run.measure(0.1);
        assert.ok(m.requests >= 1, `window ${i}: ${m.requests} requests`);
        assert.equal(getEventListeners(controller.signal, 'abort').length, 0, `abort listeners left after window ${i}`);
      }
    } finally {
      await run.close();
    }
  });

  it('line-sweep (raw TCP line protocol, bodies checked)', async () => {
    await loadSteps('line-sweep', [1, 4])();
  });

  it('idle-connections measures memory and threads per connection', async () => {
    const names = ['node-eventloop', 'python-threads'];
    const outcome = await runScenario(runtime, scenario('idle-connections', [20, 100]), { outDir: out, targets: names });
    assert.deepEqual(outcome.results.targets.map((t) => t.name), names);
    assert.deepEqual(resultsProblems(outcome.results), []);
    for (const t of outcome.results.targets) {
      for (const s of t.steps) {
        const idle = s.idle_connections!;
        assert.equal(idle.connections_open, s.load, `${t.name} held ${idle.connections_open}/${s.load}`);
        assert.ok(idle.rss_bytes_before! > 0 && idle.rss_bytes_after! > 0);
        assert.notEqual(idle.bytes_per_connection, null);
        // The floor: RSS drift over the same wait with no connection open, measured first.
        assert.equal(typeof idle.rss_drift_bytes, 'number', JSON.stringify(idle));
        assert.equal(idle.floor_bytes_per_connection, Math.abs(idle.rss_drift_bytes!) / idle.connections_open);
        assert.ok(s.window!.real_s >= 2 * 1, 'the quiet wait and the connections\' wait are both in the measure');
        if (t.name === 'node-eventloop') assert.equal(idle.threads_per_connection, 0, 'the event loop adds no thread per connection');
        if (t.name === 'python-threads') assert.ok(idle.threads_per_connection! >= 0.9, `a thread per connection (${idle.threads_per_connection})`);
      }
    }
  });

  it('overhead records the experiment per worker count, in each mode (pool first by default)', async () => {
    const outcome = await runScenario(runtime, scenario('overhead', [1, 10], 'overhead: { tasks: 50, sleep_ms: 2 }'), { outDir: out, targets: ['node-eventloop'] });
    assert.deepEqual(resultsProblems(outcome.results), []);
    const steps = outcome.results.targets[0]!.steps;
    assert.deepEqual(steps.map((s) => s.overhead!.modes[0]!.workers), [1, 10]);
    for (const s of steps) {
      assert.deepEqual(s.warnings, []);
      assert.deepEqual(s.overhead!.modes.map((o) => o.mode), ['pool', 'spawn'], 'every mode under the one key, pool first');
      for (const o of s.overhead!.modes) {
        assert.equal(o.tasks, 50);
        // Node's timers count from the loop's cached clock, so a 2 ms sleep can end up to ~1 ms
        // early: a few percent under the ideal is timer granularity, far under it a wrong answer.
        assert.ok(o.elapsed_s >= 0.85 * o.ideal_s, `${o.mode}: sleeping cannot beat the ideal (${o.elapsed_s} s for an ideal of ${o.ideal_s} s)`);
        assert.ok(Math.abs(o.overhead! - o.elapsed_s / o.ideal_s) < 0.01, 'overhead = elapsed / ideal');
        assert.ok(Math.abs(o.ideal_s - (50 * 0.002) / s.load) < 1e-9);
      }
      assert.equal(s.requests, 2, 'one /overhead call per mode');
    }
    const spawnOnly = await runScenario(runtime, scenario('overhead', [4], 'overhead: { tasks: 20, sleep_ms: 2, modes: [spawn] }'), { outDir: out, targets: ['node-eventloop'] });
    const step = spawnOnly.results.targets[0]!.steps[0]!;
    assert.deepEqual(step.overhead!.modes.map((o) => o.mode), ['spawn']);
  });

  it('overhead with a warmup asks the same experiment first, discarded: every mode at least once, again until the warmup is spent', async () => {
    // The row's /overhead asks as they leave the lab (fetch seen, not replaced).
    const asked: string[] = [];
    const fetchOf = globalThis.fetch;
    globalThis.fetch = (input, init) => {
      if (String(input).includes('/overhead?')) asked.push(new URL(String(input)).searchParams.get('mode')!);
      return fetchOf(input, init);
    };
    try {
      // 1000 ms warmup, each experiment 10 ms ideal (50 x 2 ms / 10): many rounds, pool then spawn.
      const warm = await runScenario(runtime, parseScenarioText('name: t-warm\nexecutor: overhead\nsteps: [10]\nduration: 1s\nwarmup: 1s\noverhead: { tasks: 50, sleep_ms: 2 }\n'), { outDir: out, targets: ['node-eventloop'] });
      const step = warm.results.targets[0]!.steps[0]!;
      assert.equal(step.requests, 2, 'the measure asks once per mode; the warmup is not counted');
      assert.ok(asked.length >= 2 + 2 * 5, `warmup rounds before the measured two: ${asked.length} asks`);
      assert.deepEqual(asked.slice(0, 2), ['pool', 'spawn']);
      assert.equal(asked.length % 2, 0, 'each warmup round asks every mode');
      // A 50-worker experiment of 1 s ideal is longer than a 200 ms warmup: asked once per mode all the same.
      asked.length = 0;
      await runScenario(runtime, parseScenarioText('name: t-warm\nexecutor: overhead\nsteps: [50]\nduration: 1s\nwarmup: 200ms\noverhead: { tasks: 100, sleep_ms: 100, modes: [pool] }\n'), { outDir: out, targets: ['node-eventloop'] });
      assert.deepEqual(asked, ['pool', 'pool']);
    } finally {
      globalThis.fetch = fetchOf;
    }
  });
});
