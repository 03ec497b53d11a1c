import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runScenario } from '../../../src/scenario-run/run-scenario.js';
import { openRuntime } from '../../../src/runtime/index.js';
import { findFreePortOffset } from '../../../src/runtime/ports.js';
import type { LabRuntime } from '../../../src/runtime/types.js';
import { parseScenarioText } from '../../../src/scenario/load.js';
import { resultsProblems } from '../../../src/results/validate.js';
import { headOfLineFindings } from '../../../src/executors/head-of-line/findings.js';

// head-of-line against two real rows (node-eventloop: one loop; go-goroutines: a preemptive
// scheduler) on the local runtime, one short step. It asserts what is counted, not how fast:
// the machine is shared, so the light p99 ratios are printed, never compared.

const ROWS = ['node-eventloop', 'go-goroutines'];
const HEAVY_CPU_MS = 50;
const EVERY_MS = 200;
const SCENARIO = `name: t-head-of-line\nexecutor: head-of-line\ntargets: [${ROWS.join(', ')}]\nrequest: { text: "hello my friend" }\n`
  + `head_of_line: { heavy_cpu_ms: ${HEAVY_CPU_MS}, heavy_every_ms: ${EVERY_MS} }\nsteps: [10]\nduration: 4s\nwarmup: 1s\ncooldown: 0s\nupstream: { delay_ms: 50 }\n`;

let runtime: LabRuntime;
const out = mkdtempSync(path.join(os.tmpdir(), 'lab-head-of-line-'));

describe('head-of-line against real rows', () => {
  before(async () => {
    runtime = await openRuntime({ kind: 'local', targets: ROWS, portOffset: await findFreePortOffset() });
    for (const row of ROWS) assert.ok(runtime.targets.some((t) => t.name === row), `${row} is running`);
  });
  after(async () => {
    await runtime?.stop();
  });

  it('counts light and heavy requests apart, heavy ones cost the row CPU, results validate, summary.md has the table', async () => {
    const outcome = await runScenario(runtime, parseScenarioText(SCENARIO), { outDir: out, targets: ROWS });
    assert.deepEqual(resultsProblems(outcome.results), []);
    assert.equal(outcome.results.status, 'complete');
    for (const row of ROWS) {
      const s = outcome.results.targets.find((t) => t.name === row)!.steps[0]!;
      const h = s.head_of_line;
      assert.ok(h, `${row}: the step has head_of_line`);
      assert.equal(h.heavy_cpu_ms, HEAVY_CPU_MS);
      // Light: 10 connections through a 50 ms upstream answer many times in 2 s, with or without heavy.
      assert.ok(h.light.ok > 20 && h.light_alone.ok > 20, `${row}: light ok ${h.light.ok} / alone ${h.light_alone.ok}`);
      // Heavy: one every 200 ms in a 2 s window, a few at least even on a busy machine.
      assert.ok(h.heavy.ok >= 3, `${row}: heavy ok ${h.heavy.ok}`);
      assert.equal(h.light.errors + h.heavy.errors + h.light_alone.errors, 0, `${row}: ${JSON.stringify(s.errors)}`);
      // A heavy answer takes its CPU time at least (and the 50 ms upstream fetch).
      assert.ok(h.heavy.p50_ms! >= HEAVY_CPU_MS, `${row}: heavy p50 ${h.heavy.p50_ms} ms`);
      assert.equal(s.requests, h.light.requests + h.heavy.requests + h.light_alone.requests, 'the step counts both classes and both windows');
      // Heavy requests cost CPU: the window with them used at least most of their CPU time more
      // than the window without (the CPU clock is the row's own; half of it is margin for noise).
      const { with_heavy: cpuWith, alone: cpuAlone } = h.server_cpu_s;
      assert.ok(cpuWith !== null && cpuAlone !== null, `${row}: server CPU read in both windows`);
      const heavyCpuS = (h.heavy.ok * HEAVY_CPU_MS) / 1000;
      assert.ok(cpuWith - cpuAlone >= heavyCpuS * 0.5, `${row}: server CPU ${cpuWith.toFixed(3)} s with heavy, ${cpuAlone.toFixed(3)} s alone, heavy asked ${heavyCpuS.toFixed(3)} s`);
      console.log(`# ${row}: light p99 ${h.light.p99_ms} ms with heavy, ${h.light_alone.p99_ms} ms alone; light ${h.light.rps} vs ${h.light_alone.rps} req/s; `
        + `heavy ${h.heavy.ok} ok, p50 ${h.heavy.p50_ms} p99 ${h.heavy.p99_ms} ms; server CPU ${cpuWith.toFixed(2)} / ${cpuAlone.toFixed(2)} s (busy machine)`);
    }
    const summary = readFileSync(path.join(outcome.dir, 'summary.md'), 'utf8');
    assert.match(summary, /\| connections \| heavy \| light req\/s \| light p50 \| light p99 \| alone p50 \| alone p99 \| heavy ok \| heavy p50 \| heavy p99 \|/);
    assert.match(summary, /50 ms CPU every 200 ms/);
    // The findings part itself: summary.md leaves out steps of a busy machine (as this one is) unless allowed.
    const source = { ref: { run: 't-head-of-line run', scenario: 't-head-of-line', executor: 'head-of-line', started_at: outcome.results.started_at, cpus: 2, runtime: 'local' }, r: outcome.results };
    const rows = new Map(outcome.results.targets.map((t) => [t.name, headOfLineFindings.row(source, t, { requestSteps: (x) => x }).filter((f) => f !== undefined)]));
    for (const row of ROWS) assert.match(rows.get(row)![0]!.text, /^light p99 [\d.]+ ms with a 50 ms CPU request every 200 ms beside, [\d.]+ ms alone \(x[\d.]+: light requests (unaffected|wait behind heavy ones)\)/);
    const [ranking] = headOfLineFindings.rankings!(rows);
    assert.deepEqual(ranking!.entries.map((e) => e.row).sort(), [...ROWS].sort(), 'both rows are ranked');
    assert.match(ranking!.basis, /one trial per row/, 'with one trial the ranking says so');
    const csv = readFileSync(path.join(outcome.dir, 'results.csv'), 'utf8');
    assert.match(csv.split('\n')[0]!, /hol_light_p99_ms,.*hol_heavy_p99_ms/);
  });
});
