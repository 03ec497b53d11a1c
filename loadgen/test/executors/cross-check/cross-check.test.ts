import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findWrk, runWrk } from '../../../src/executors/load-common/wrk.js';
import { runScenario } from '../../../src/scenario-run/run-scenario.js';
import { resultsProblems } from '../../../src/results/validate.js';
import { openRuntime } from '../../../src/runtime/index.js';
import { findFreePortOffset } from '../../../src/runtime/ports.js';
import type { LabRuntime } from '../../../src/runtime/types.js';
import { parseScenarioText } from '../../../src/scenario/load.js';
import { runLab } from '../../helpers/processes.js';
import { scenarioProblems } from '../../helpers/scenario-problems.js';

// The cross-check: wrk drives the step a second time, right after the lab's own measure.
// Real wrk (Debian's package) against real node-eventloop + upstream, 1 s steps.

const tmp = mkdtempSync(path.join(os.tmpdir(), 'lab-cross-check-'));
const SCENARIO = (extra = '') => `name: t-cross-check\nexecutor: connections-sweep\nrequest: { text: "hello my friend", delay_ms: 20 }\nsteps: [4]\nduration: 1s\nwarmup: 1s\ncooldown: 0s\nupstream: { delay_ms: 20 }\n${extra}`;

describe('cross_check in a scenario', () => {
  it('is a boolean of connections-sweep scenarios, off by default', () => {
    assert.equal(parseScenarioText(SCENARIO()).crossCheck, false);
    assert.equal(parseScenarioText(SCENARIO('cross_check: true\n')).crossCheck, true);
    assert.deepEqual(scenarioProblems(SCENARIO('cross_check: yes please\n')), ['cross_check: must be boolean']);
    const overhead = 'name: t-o\nexecutor: overhead\nsteps: [1]\nduration: 1s\noverhead: { tasks: 10, sleep_ms: 1 }\ncross_check: true\n';
    assert.ok(scenarioProblems(overhead).some((p) => /^cross_check: only applies to the connections-sweep executor/.test(p)), scenarioProblems(overhead).join('\n'));
  });
});

describe('lab run --cross-check before anything runs', () => {
  it('without wrk on PATH: exit 2 with the install command, no results folder', async () => {
    const file = path.join(tmp, 'cc.yaml');
    writeFileSync(file, SCENARIO());
    const out = path.join(tmp, 'no-wrk');
    const emptyBin = mkdtempSync(path.join(tmp, 'bin-'));
    const res = await runLab(['run', file, '--cross-check', '--out', out], { ...process.env, PATH: emptyBin, LAB_PORT_OFFSET: String(await findFreePortOffset()) }, 60_000);
    assert.equal(res.code, 2, `${res.stdout}\n${res.stderr}`);
    assert.match(res.stderr, /wrk.*sudo apt-get install wrk/);
    assert.doesNotMatch(res.stderr, /starting/, 'no service was started');
    assert.ok(!existsSync(out) || readdirSync(out).length === 0);
  });

  it('on a scenario of another executor: exit 2', async () => {
    const res = await runLab(['run', 'overhead', '--cross-check', '--out', path.join(tmp, 'o')], process.env, 60_000);
    assert.equal(res.code, 2, `${res.stdout}\n${res.stderr}`);
    assert.match(res.stderr, /--cross-check applies to connections-sweep scenarios only/);
  });
});

describe('wrk against real services', () => {
  let runtime: LabRuntime;
  before(async () => {
    // wrk missing is an install problem (CI installs it), not a reason to skip.
    assert.ok(findWrk(), 'wrk is not installed: sudo apt-get install wrk');
    runtime = await openRuntime({ kind: 'local', targets: ['node-eventloop'], portOffset: await findFreePortOffset() });
    assert.ok(runtime.targets.some((t) => t.name === 'node-eventloop'), 'node-eventloop is running');
  });
  after(async () => {
    await runtime?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('records wrk beside the lab for every step, in results.json and summary.md', async () => {
    const outcome = await runScenario(runtime, parseScenarioText(SCENARIO('cross_check: true\n')), { outDir: tmp, targets: ['node-eventloop'] });
    assert.deepEqual(resultsProblems(outcome.results), []);
    assert.equal(outcome.results.scenario.cross_check, true);
    const step = outcome.results.targets[0]!.steps[0]!;
    const cc = step.cross_check;
    assert.ok(cc, `cross_check recorded (warnings: ${step.warnings.join('; ')})`);
    assert.equal(cc.tool, 'wrk');
    assert.equal(cc.connections, 4);
    assert.ok(cc.duration_s >= 0.9 && cc.duration_s < 3, `wrk ran the step's 1 s (${cc.duration_s})`);
    assert.equal(cc.errors, 0);
    assert.ok(cc.rps > 0);
    // Every answer waits for the 20 ms upstream, whoever asks.
    assert.ok(cc.latency_ms.p50! >= 20 && cc.latency_ms.p50! <= cc.latency_ms.p99!, JSON.stringify(cc.latency_ms));
    assert.ok(Math.abs(cc.ratio! - step.rps / cc.rps) < 0.01, `ratio ${cc.ratio} = ${step.rps} / ${cc.rps}`);
    assert.equal(cc.flagged, cc.ratio! < 0.9);
    assert.equal(step.warnings.some((w) => w.startsWith('cross-check:')), cc.flagged);
    assert.match(cc.note ?? '', /lab load generator .*CPU/);
    // Latency compared too (issue 18), and the row's own histogram as the third witness.
    assert.deepEqual(cc.latency_ratio, { p50: Math.round((step.latency_ms.p50! / cc.latency_ms.p50!) * 1000) / 1000, p99: Math.round((step.latency_ms.p99! / cc.latency_ms.p99!) * 1000) / 1000 });
    assert.equal(cc.latency_flagged, [cc.latency_ratio!.p50!, cc.latency_ratio!.p99!].some((r) => r > 2 || r < 0.5));
    assert.equal(step.warnings.some((w) => w.startsWith('cross-check: latency')), cc.latency_flagged);
    const row = step.server.latency_ms!;
    assert.ok(row, 'server.latency_ms from the row\'s /metrics');
    // The row's counter covers the sampler's window, a little longer than the lab's measure.
    assert.ok(row.count >= step.requests * 0.9, `the row counted the lab's requests (${row.count} vs ${step.requests})`);
    // The mean is exact (sum / count); percentiles are interpolated inside the row's 10-20-30 ms
    // buckets, so a p50 just above 20 ms can read a little under it.
    assert.ok(row.mean! >= 19 && row.p50! >= 10 && row.p50! <= row.p99!, `every answer waits for the 20 ms upstream, in the row's own view too: ${JSON.stringify(row)}`);
    assert.ok(step.latency_ms.p50! >= row.p50! * 0.9, `the client sees at least what the row does (lab p50 ${step.latency_ms.p50}, row p50 ${row.p50})`);
    assert.ok(cc.server_latency_ms && cc.server_latency_ms.count >= cc.rps * cc.duration_s * 0.9, `the row's histogram during wrk's run: ${JSON.stringify(cc.server_latency_ms)}`);
    const summary = readFileSync(path.join(outcome.dir, 'summary.md'), 'utf8');
    assert.match(summary, /Cross-check: the same step driven by wrk/);
    assert.ok(summary.includes(`| 4 | ${step.rps.toFixed(1)} | ${cc.rps.toFixed(1)} | ${cc.ratio!.toFixed(2)}`), summary);
    assert.match(summary, /\| p99 lab\/wrk \| row p99 \|/);
  });

  it('error answers are not also counted as wrong bodies, and the ok rate leaves out only them', async () => {
    // The upstream fails 30% of its answers: the row answers 502 (its body is never the echo).
    const scenario = parseScenarioText(SCENARIO().replace('upstream: { delay_ms: 20 }', 'upstream: { delay_ms: 20, error_rate: 0.3 }'));
    const outcome = await runScenario(runtime, scenario, { outDir: tmp, targets: ['node-eventloop'] });
    const s = outcome.results.targets[0]!.steps[0]!;
    assert.ok(s.errors.non2xx > 0, JSON.stringify(s.errors));
    assert.equal(s.errors.by_kind['status 502'], s.errors.non2xx);
    assert.equal(s.errors.by_kind.mismatch, undefined, JSON.stringify(s.errors.by_kind));
    assert.ok(Math.abs(s.rps * s.duration_s - (s.requests - s.errors.non2xx)) < 1, `ok ${s.rps * s.duration_s} = ${s.requests} - ${s.errors.non2xx}`);
  });

  it('a wrk that cannot run says why (its own message)', async () => {
    await assert.rejects(runWrk({ url: 'http://127.0.0.1:1/echo?text=x', connections: 2, durationS: 1, timeoutS: 1 }), /wrk .* exited 1 without a report: unable to connect to 127\.0\.0\.1:1 Connection refused/);
  });
});
