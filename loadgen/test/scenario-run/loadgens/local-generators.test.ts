// `--loadgens 2` for real: two worker processes against a fixture row (offset 6520, this
// stream's range), through the run loop as `lab run` drives it. The step's counters are the sum
// of the generators', each generator's CPU is recorded, and the percentiles are those of the
// sum of the generators' own histograms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { discoverServices } from '../../../src/core/manifest/index.js';
import { latencyHistogram, latencyOf } from '../../../src/executors/load-common/histogram.js';
import { openLocalRuntime } from '../../../src/runtime/index.js';
import { runLocalGenerators } from '../../../src/scenario-run/loadgens/local-generators.js';
import { mergeReports } from '../../../src/scenario-run/loadgens/merge.js';
import { decodeHistogram, PROTOCOL_VERSION, type WorkerJob } from '../../../src/scenario-run/loadgens/protocol.js';
import { runScenario } from '../../../src/scenario-run/run-scenario.js';
import { parseScenarioText } from '../../../src/scenario/load.js';
import { FIXTURE_SERVICES } from '../../helpers/paths.js';
import { findFreePortOffset } from '../../../src/runtime/ports.js';
import type { StepResult } from '../../../src/model/results.js';

const OFFSET = 6520;
const SCENARIO = 'name: two-loadgens\nexecutor: connections-sweep\ntargets: [good-echo]\nrequest: { text: "hello", delay_ms: 5 }\nsteps: [5]\nduration: 2s\nwarmup: 1s\ncooldown: 0s\n';

test('two generators: counts add up, each one\'s share and CPU recorded, percentiles from the merged histogram', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lab-loadgens-'));
  const runtime = await openLocalRuntime({ servicesDir: FIXTURE_SERVICES, portOffset: OFFSET, logDir: dir, targets: ['good-echo'] });
  try {
    const scenario = parseScenarioText(SCENARIO);
    const outcome = await runScenario(runtime, scenario, { outDir: dir, loadgens: 2 });
    const step = outcome.results.targets[0]!.steps[0]!;
    const gens = step.loadgen.generators!;
    assert.deepEqual(gens.map((g) => [g.index, g.load]), [[0, 3], [1, 2]], '5 connections: 3 + 2');
    assert.equal(step.requests, gens[0]!.requests + gens[1]!.requests);
    assert.ok(gens.every((g) => g.ok > 0 && g.cpu_seconds > 0), JSON.stringify(gens));
    assert.equal(step.rps, (gens[0]!.ok + gens[1]!.ok) / step.duration_s!);
    assert.ok(Math.abs(step.loadgen.cpu_seconds - (gens[0]!.cpu_seconds + gens[1]!.cpu_seconds)) < 0.002);
    assert.equal(step.loadgen.threads, 2);
    assert.ok(step.latency_ms.p50! >= 5, `p50 ${step.latency_ms.p50} ms above the 5 ms upstream delay`);
    assert.deepEqual(step.errors, { timeouts: 0, non2xx: 0, connection: 0, by_kind: {} });

    // The same two processes, their reports merged by hand: the step's percentiles are those
    // of one histogram holding every answer of both.
    const target = runtime.targets[0]!;
    const startAtMs = Date.now() + 1500;
    const jobs = [0, 1].map((index): WorkerJob => ({
      v: PROTOCOL_VERSION, index, count: 2, scenario: scenario.source,
      target: { name: target.name, manifest: target.manifest, httpUrl: target.httpUrl, line: target.line, metricsUrl: target.metricsUrl },
      load: 2, stepLoad: 4, warmupS: 0, durationS: 1, startAtMs,
    }));
    const reports = await runLocalGenerators(jobs, new AbortController().signal);
    assert.deepEqual(reports.map((r) => r.error), [undefined, undefined]);
    const merged = mergeReports(reports, [2, 2]);
    const sum = latencyHistogram();
    for (const r of reports) sum.add(decodeHistogram(r.histogram, String(r.index)));
    assert.equal(merged.histogram.totalCount, reports[0]!.measurement.requests + reports[1]!.measurement.requests, 'every answer is in the merged histogram');
    assert.deepEqual(merged.measurement.latencyMs, latencyOf(sum));
    // The common start time lines the windows up: each generator measured while the other did.
    const [a, b] = reports as [typeof reports[0], typeof reports[0]];
    assert.ok(a.measureStartMs < b.measureEndMs && b.measureStartMs < a.measureEndMs, `measure windows overlap: ${JSON.stringify(reports.map((r) => [r.measureStartMs - startAtMs, r.measureEndMs - startAtMs]))} ms after the common start`);
  } finally {
    await runtime.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a generator that cannot reach its target fails the step with a message naming it', async () => {
  const scenario = parseScenarioText(SCENARIO);
  const manifest = discoverServices(FIXTURE_SERVICES).find((m) => m.name === 'good-echo')!;
  const jobs: WorkerJob[] = [{
    v: PROTOCOL_VERSION, index: 0, count: 1, scenario: scenario.source,
    target: { name: 'good-echo', manifest, httpUrl: `http://127.0.0.1:${8199 + OFFSET}`, metricsUrl: `http://127.0.0.1:${8199 + OFFSET}/metrics` },
    load: 1, stepLoad: 1, warmupS: 0, durationS: 1, startAtMs: Date.now(),
  }];
  const [report] = await runLocalGenerators(jobs, new AbortController().signal);
  assert.match(report!.error ?? '', /ECONNREFUSED|connect/i);
  assert.throws(() => mergeReports([report!], [1]), /load generator failed: #0 on \S+: /);
});

test('--loadgens 3 on a step of 1 connection runs it on one generator and says so; the next step uses all three', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lab-loadgens-few-'));
  const runtime = await openLocalRuntime({ servicesDir: FIXTURE_SERVICES, portOffset: await findFreePortOffset(), logDir: dir, targets: ['good-echo'] });
  try {
    const scenario = parseScenarioText('name: few-connections\nexecutor: connections-sweep\ntargets: [good-echo]\nrequest: { text: "hello", delay_ms: 5 }\nsteps: [1, 4]\nduration: 1s\nwarmup: 0s\ncooldown: 0s\n');
    const notes: string[] = [];
    const outcome = await runScenario(runtime, scenario, { outDir: dir, loadgens: 3, onNote: (m) => notes.push(m) });
    const [one, four] = outcome.results.targets[0]!.steps as [StepResult, StepResult];
    assert.deepEqual(one.loadgen.generators!.map((g) => g.load), [1]);
    assert.ok(one.requests > 0 && one.errors.connection === 0 && one.errors.non2xx === 0, JSON.stringify(one.errors));
    const said = /--loadgens 3: a step of 1 connection runs on 1 load generator \(a connection cannot be split\)/;
    assert.ok(one.warnings.some((w) => said.test(w)), JSON.stringify(one.warnings));
    assert.ok(notes.some((n) => said.test(n)), 'the console hears it too');
    assert.deepEqual(four.loadgen.generators!.map((g) => g.load), [2, 1, 1]);
    assert.ok(!four.warnings.some((w) => /--loadgens/.test(w)));
    assert.ok(outcome.checks.every((c) => c.passed) && outcome.failedTargets.length === 0);
  } finally {
    await runtime.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
