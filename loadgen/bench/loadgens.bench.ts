// `npm run bench -- loadgens`: does splitting a step across K load generator processes
// (`lab run --loadgens K`) measure the same throughput as one generator? Not a test: it prints
// figures and the goal, and exits 0 either way.
// One connections-sweep step of 200 connections against node-eventloop (100 ms upstream, the
// ideal is 2000 req/s), local runtime, driven as `lab run` drives it, in the same minute:
// one generator, two generators, one again (the repeat shows the machine's own drift).
// Goal: the two-generator req/s within 10% of the one-generator req/s; the merged p99 beside it.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openRuntime } from '../src/runtime/index.js';
import { runScenario } from '../src/scenario-run/run-scenario.js';
import { parseScenarioText } from '../src/scenario/load.js';

const OFFSET = 6600; // the swarm stream's port range
const SECONDS = 10;
const out = mkdtempSync(path.join(os.tmpdir(), 'lab-bench-loadgens-'));
const scenario = parseScenarioText(
  `name: bench-loadgens\nexecutor: connections-sweep\nrequest: { text: "hello my friend", delay_ms: 100 }\nsteps: [200]\nduration: ${SECONDS}s\nwarmup: 2s\ncooldown: 1s\nupstream: { delay_ms: 100 }\n`,
);

const runtime = await openRuntime({ kind: 'local', targets: ['node-eventloop'], portOffset: OFFSET });
try {
  const figures: Array<{ k: number; rps: number; p99: number | null; cpu: number[] }> = [];
  for (const k of [1, 2, 1]) {
    const outcome = await runScenario(runtime, scenario, { outDir: out, targets: ['node-eventloop'], loadgens: k });
    const s = outcome.results.targets[0]!.steps[0]!;
    const cpu = s.loadgen.generators ? s.loadgen.generators.map((g) => g.cpu_seconds) : [s.loadgen.cpu_seconds];
    figures.push({ k, rps: s.rps, p99: s.latency_ms.p99, cpu });
    console.log(`  --loadgens ${k}: ${s.rps.toFixed(0).padStart(5)} req/s  p99 ${s.latency_ms.p99?.toFixed(1) ?? '-'} ms  requests ${s.requests}  generator CPU s ${cpu.map((c) => c.toFixed(2)).join(' + ')}`);
  }
  const one = (figures[0]!.rps + figures[2]!.rps) / 2;
  const ratio = figures[1]!.rps / one;
  console.log(`\n  two generators / one generator (mean of the runs before and after): ${ratio.toFixed(3)}  goal: 0.90..1.10  ${Math.abs(ratio - 1) <= 0.1 ? 'met' : 'NOT met'}`);
  console.log(`  the one-generator runs differ by ${((Math.abs(figures[0]!.rps - figures[2]!.rps) / one) * 100).toFixed(1)}% (the machine's own drift in this minute)`);
} finally {
  await runtime.stop();
}
