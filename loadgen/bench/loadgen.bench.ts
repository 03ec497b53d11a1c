// `npm run bench -- loadgen`: how good is the load generator itself? Not a test: it prints
// figures and the goals, and exits 0 either way.
//   1. CPU per request of autocannon (as `lab run` drives it) vs wrk, same target, same load
//      (50 connections, 5 s, one thread each). Goal: at most 1.2x wrk's.
//   2. Ideal-line fidelity of node-eventloop with a 100 ms upstream: achieved / (connections /
//      100 ms) at 1, 50 and 200 connections. Goal: at least 0.9.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { runScenario } from '../src/run/run-scenario.js';
import { openRuntime } from '../src/runtime/index.js';
import { findFreePortOffset } from '../src/runtime/ports.js';
import { parseScenarioText } from '../src/scenario/load.js';

const CONNECTIONS = 50;
const SECONDS = 5;

async function autocannonCpu(url: string): Promise<{ requests: number; cpuS: number }> {
  const before = process.cpuUsage();
  const r = await autocannon({ url, connections: CONNECTIONS, pipelining: 1, duration: SECONDS });
  const cpu = process.cpuUsage(before);
  return { requests: (r.requests as unknown as { total: number }).total, cpuS: (cpu.user + cpu.system) / 1e6 };
}

/** wrk's own CPU from /usr/bin/time (user + sys of the child), and its request count. */
function wrkCpu(url: string): Promise<{ requests: number; cpuS: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', 'CPU %U %S', 'wrk', '-t1', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '--latency', url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const cpu = /CPU ([\d.]+) ([\d.]+)/.exec(err);
      const reqs = /(\d+) requests in/.exec(out);
      if (code !== 0 || !cpu || !reqs) return reject(new Error(`wrk failed (${code}): ${out}\n${err}\n(install: apt-get install wrk time)`));
      resolve({ requests: Number(reqs[1]), cpuS: Number(cpu[1]) + Number(cpu[2]) });
    });
  });
}

async function main(): Promise<void> {
  const runtime = await openRuntime({ kind: 'local', targets: ['node-eventloop'], portOffset: await findFreePortOffset() });
  try {
    const target = runtime.targets.find((t) => t.name === 'node-eventloop');
    if (!target) throw new Error(`node-eventloop is not running: ${JSON.stringify(runtime.unavailable)}`);
    console.log(`machine: ${os.availableParallelism()} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

    // 1 ms upstream delay: the target answers as fast as it can, so the clients work hard.
    const url = `${target.httpUrl}/echo?text=hello%20my%20friend&delay_ms=1`;
    // A cold target (JIT, connection pools) would make whichever client runs first look slow.
    await autocannon({ url, connections: CONNECTIONS, duration: 2 });
    const wrk = await wrkCpu(url);
    const ac = await autocannonCpu(url);
    const acPer = (ac.cpuS / ac.requests) * 1e6;
    const wrkPer = (wrk.cpuS / wrk.requests) * 1e6;
    console.log(`\nCPU per request, ${CONNECTIONS} connections, ${SECONDS} s, 1 thread each:`);
    console.log(`  autocannon: ${ac.requests} requests, ${ac.cpuS.toFixed(2)} CPU s -> ${acPer.toFixed(1)} us/request`);
    console.log(`  wrk:        ${wrk.requests} requests, ${wrk.cpuS.toFixed(2)} CPU s -> ${wrkPer.toFixed(1)} us/request`);
    const ratio = acPer / wrkPer;
    console.log(`  ratio autocannon/wrk = ${ratio.toFixed(2)}  (goal <= 1.2: ${ratio <= 1.2 ? 'met' : 'NOT met'})`);
    console.log(`  throughput: autocannon ${(ac.requests / SECONDS).toFixed(0)} req/s, wrk ${(wrk.requests / SECONDS).toFixed(0)} req/s (the same target: a large gap means one client, not the target, was the limit)`);

    const scenario = parseScenarioText(
      'name: bench-fidelity\nexecutor: connections-sweep\nrequest: { text: "hello my friend", delay_ms: 100 }\nsteps: [1, 50, 200]\nduration: 5s\nwarmup: 1s\ncooldown: 1s\nupstream: { delay_ms: 100 }\n',
    );
    const outcome = await runScenario(runtime, scenario, { outDir: mkdtempSync(path.join(os.tmpdir(), 'lab-bench-')) });
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
