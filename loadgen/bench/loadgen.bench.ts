// `npm run bench -- loadgen`: how good is the load generator itself? Not a test: it prints
// figures and the goals, and exits 0 either way.
//   1. CPU per request, side by side in one run against the same target (node-eventloop) at the
//      same connections and duration, one thread each: the lab (the connections-sweep executor
//      through runScenario, as `lab run` drives it: body checks, live counters, the server
//      sampler), the bare autocannon CLI (node_modules/.bin/autocannon) and wrk. Goals: the lab
//      within 1.1x of bare autocannon and within 1.5x of wrk.
//      Configurations: 50 connections at 1 ms upstream (the clients work hardest) and 500
//      connections at 100 ms (an io-ramp step).
//   2. Ideal-line fidelity of node-eventloop with a 100 ms upstream: achieved / (connections /
//      100 ms) at 1, 50 and 200 connections. Goal: at least 0.9.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { runWrk } from '../src/executors/load-common/wrk.js';
import { runScenario } from '../src/scenario-run/run-scenario.js';
import { openRuntime } from '../src/runtime/index.js';
import { findFreePortOffset } from '../src/runtime/ports.js';
import type { LabRuntime } from '../src/runtime/types.js';
import { parseScenarioText } from '../src/scenario/load.js';

const SECONDS = 5;
const CONFIGS = [
  { connections: 50, delayMs: 1 },
  { connections: 500, delayMs: 100 },
];
const AUTOCANNON_CLI = path.join(path.dirname(createRequire(import.meta.url).resolve('autocannon/package.json')), 'autocannon.js');
const out = mkdtempSync(path.join(os.tmpdir(), 'lab-bench-'));

interface Figure { requests: number; seconds: number; cpuS: number }

const perRequestUs = (f: Figure) => (f.cpuS / f.requests) * 1e6;

/** The lab as `lab run` drives it: one connections-sweep step through runScenario. */
async function labFigure(runtime: LabRuntime, connections: number, delayMs: number): Promise<Figure> {
  const scenario = parseScenarioText(
    `name: bench-lab\nexecutor: connections-sweep\nrequest: { text: "hello my friend", delay_ms: ${delayMs} }\nsteps: [${connections}]\nduration: ${SECONDS}s\nwarmup: 1s\ncooldown: 0s\nupstream: { delay_ms: ${delayMs} }\n`,
  );
  const outcome = await runScenario(runtime, scenario, { outDir: out, targets: ['node-eventloop'] });
  const s = outcome.results.targets[0]!.steps[0]!;
  return { requests: s.requests, seconds: s.duration_s, cpuS: s.loadgen.cpu_seconds };
}

/** A child's CPU (user + sys) from /usr/bin/time, and its stdout. */
function timed(cmd: string, args: string[]): Promise<{ cpuS: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', 'CPU %U %S', cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const cpu = /CPU ([\d.]+) ([\d.]+)/.exec(stderr);
      if (code !== 0 || !cpu) return reject(new Error(`${cmd} ${args.join(' ')} failed (${code}): ${stderr.slice(-400)} (install: apt-get install time)`));
      resolve({ cpuS: Number(cpu[1]) + Number(cpu[2]), stdout });
    });
  });
}

/** The bare autocannon CLI, less the CPU of starting node and loading autocannon (measured apart). */
async function cliFigure(url: string, connections: number, startupCpuS: number): Promise<Figure> {
  const r = await timed(process.execPath, [AUTOCANNON_CLI, '-c', String(connections), '-d', String(SECONDS), '-j', url]);
  const json = JSON.parse(r.stdout) as { requests: { total: number }; duration: number };
  return { requests: json.requests.total, seconds: json.duration, cpuS: Math.max(0, r.cpuS - startupCpuS) };
}

async function wrkFigure(url: string, connections: number): Promise<Figure> {
  const r = await runWrk({ url, connections, durationS: SECONDS, timeoutS: 10 });
  if (r.cpuSeconds === null) throw new Error('wrk reported no CPU (no /proc?)');
  return { requests: r.requests, seconds: r.durationS, cpuS: r.cpuSeconds };
}

function row(name: string, f: Figure, wrk: Figure): string {
  return `  ${name.padEnd(16)} ${(f.requests / f.seconds).toFixed(0).padStart(7)} req/s  ${f.cpuS.toFixed(2).padStart(5)} CPU s  ${perRequestUs(f).toFixed(1).padStart(6)} us/request  (${(perRequestUs(f) / perRequestUs(wrk)).toFixed(2)}x wrk)`;
}

async function main(): Promise<void> {
  const runtime = await openRuntime({ kind: 'local', targets: ['node-eventloop'], portOffset: await findFreePortOffset() });
  try {
    const target = runtime.targets.find((t) => t.name === 'node-eventloop');
    if (!target) throw new Error(`node-eventloop is not running: ${JSON.stringify(runtime.unavailable)}`);
    console.log(`machine: ${os.availableParallelism()} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    const startup = await timed(process.execPath, [AUTOCANNON_CLI, '--version']);
    console.log(`bare autocannon CLI start-up (node + require, subtracted below): ${startup.cpuS.toFixed(2)} CPU s`);

    for (const { connections, delayMs } of CONFIGS) {
      const url = `${target.httpUrl}/echo?text=hello%20my%20friend&delay_ms=${delayMs}`;
      // A cold target (JIT, connection pools) would make whichever client runs first look slow.
      await autocannon({ url, connections, duration: 2 });
      const wrk = await wrkFigure(url, connections);
      const cli = await cliFigure(url, connections, startup.cpuS);
      const lab = await labFigure(runtime, connections, delayMs);
      console.log(`\nCPU per request, ${connections} connections, ${delayMs} ms upstream, ${SECONDS} s, one thread each:`);
      console.log(row('lab (lab run)', lab, wrk));
      console.log(row('autocannon CLI', cli, wrk));
      console.log(row('wrk', wrk, wrk));
      const labVsCli = perRequestUs(lab) / perRequestUs(cli);
      const labVsWrk = perRequestUs(lab) / perRequestUs(wrk);
      console.log(`  lab / autocannon CLI = ${labVsCli.toFixed(2)} (goal <= 1.1: ${labVsCli <= 1.1 ? 'met' : 'NOT met'}); lab / wrk = ${labVsWrk.toFixed(2)} (goal <= 1.5: ${labVsWrk <= 1.5 ? 'met' : 'NOT met'}); autocannon CLI / wrk = ${(perRequestUs(cli) / perRequestUs(wrk)).toFixed(2)}`);
      console.log(`  req/s lab / wrk = ${(lab.requests / lab.seconds / (wrk.requests / wrk.seconds)).toFixed(2)} (the same target: a gap means the client, not the target, was the limit)`);
    }

    const scenario = parseScenarioText(
      'name: bench-fidelity\nexecutor: connections-sweep\nrequest: { text: "hello my friend", delay_ms: 100 }\nsteps: [1, 50, 200]\nduration: 5s\nwarmup: 1s\ncooldown: 1s\nupstream: { delay_ms: 100 }\n',
    );
    const outcome = await runScenario(runtime, scenario, { outDir: out });
    console.log('\nIdeal-line fidelity, node-eventloop, 100 ms upstream (achieved / (connections / 0.1 s)):');
    for (const s of outcome.results.targets[0]!.steps) {
      const f = s.rps / s.ideal_rps!;
      console.log(`  ${String(s.load).padStart(4)} connections: ${s.rps.toFixed(1)} / ${s.ideal_rps!.toFixed(0)} req/s = ${f.toFixed(3)}  p50 ${s.latency_ms.p50?.toFixed(1)} ms  target ${s.server.cpu_seconds?.toFixed(2) ?? '-'} CPU s, loadgen ${s.loadgen.cpu_seconds.toFixed(2)} CPU s on ${s.loadgen.threads} thread(s) in ${s.duration_s.toFixed(1)} s  (goal >= 0.9: ${f >= 0.9 ? 'met' : 'NOT met'})`);
    }
    console.log(`  results: ${outcome.dir}`);
  } finally {
    await runtime.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
