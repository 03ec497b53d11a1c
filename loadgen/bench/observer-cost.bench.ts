// `npm run bench -- observer-cost`: what the lab's own sampling costs the row it measures.
// Not a test: it prints figures and the goal, and exits 0 either way.
// The sampling is what `lab run` does around every measure phase (ServerSampler: the row's
// /metrics every 500 ms, the runtime's /proc stats every 2 s), alternated three times with no
// sampling at all, on python-threads:
//   1. throughput: autocannon at 1,000 connections on /echo (100 ms upstream), SECONDS each;
//   2. /overhead?workers=1000&tasks=10000&sleep_ms=5 (mode=pool, the default), called
//      OVERHEAD_CALLS times back to back each round.
// Goal (issue 14): sampling costs under 2% of throughput and of overhead.
// To tell the parts apart: OBSERVER_SAMPLING=metrics (the /metrics scrapes alone) or stats
// (the runtime's /proc reads alone); OBSERVER_ROUNDS=N for more rounds on a noisy machine.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { openFileLimit } from '../src/executors/load-common/fd-limit.js';
import { openRuntime } from '../src/runtime/index.js';
import { findFreePortOffset } from '../src/runtime/ports.js';
import type { Endpoint, LabRuntime } from '../src/runtime/types.js';
import { ServerSampler } from '../src/observe/server-sampler.js';

const TARGET = 'python-threads';
const ROUNDS = Number(process.env.OBSERVER_ROUNDS ?? 3);
const SAMPLING = process.env.OBSERVER_SAMPLING ?? 'both';
const SECONDS = 4;
const CONNECTIONS = 1000;
const UPSTREAM_DELAY_MS = 100;
const OVERHEAD_QUERY = 'workers=1000&tasks=10000&sleep_ms=5';
const OVERHEAD_CALLS = 6;
const GOAL = 0.02;

interface Round { sampled: boolean; rps: number; overhead: number }

async function throughput(target: Endpoint): Promise<number> {
  const result = await autocannon({
    url: `${target.httpUrl}/echo?text=hello+my+friend&delay_ms=${UPSTREAM_DELAY_MS}`,
    connections: CONNECTIONS,
    duration: SECONDS,
    timeout: 10,
  });
  return result['2xx'] / SECONDS;
}

async function overhead(target: Endpoint): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < OVERHEAD_CALLS; i++) {
    const res = await fetch(`${target.httpUrl}/overhead?${OVERHEAD_QUERY}`, { signal: AbortSignal.timeout(60_000) });
    const body = (await res.json()) as { overhead: number | null };
    if (!res.ok || body.overhead === null) throw new Error(`/overhead answered ${res.status}: ${JSON.stringify(body)}`);
    values.push(body.overhead);
  }
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** One round: the same work with or without the lab's sampler running around it. */
async function round(runtime: LabRuntime, target: Endpoint, sampled: boolean): Promise<Round> {
  const withSampler = async <T>(work: () => Promise<T>): Promise<T> => {
    // One part of the sampling alone: the runtime without stats, or a /metrics URL that refuses at once.
    const observed = SAMPLING === 'metrics' ? Object.assign(Object.create(runtime) as LabRuntime, { stats: async () => undefined }) : runtime;
    const scraped = SAMPLING === 'stats' ? { ...target, metricsUrl: 'http://127.0.0.1:1/metrics' } : target;
    const sampler = sampled ? new ServerSampler(observed, scraped, 'http') : undefined;
    await sampler?.start();
    try {
      return await work();
    } finally {
      await sampler?.stop();
    }
  };
  const rps = await withSampler(() => throughput(target));
  await new Promise((r) => setTimeout(r, 1000)); // let the connections close
  const ov = await withSampler(() => overhead(target));
  return { sampled, rps, overhead: ov };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

async function main(): Promise<void> {
  const limit = openFileLimit();
  if (limit !== undefined && limit < CONNECTIONS + 512) {
    console.log(`ulimit -n is ${limit}: ${CONNECTIONS} connections need more; run 'ulimit -n 65536' first`);
    return;
  }
  const offset = process.env.LAB_PORT_OFFSET ? Number(process.env.LAB_PORT_OFFSET) : await findFreePortOffset();
  const runtime = await openRuntime({ kind: 'local', targets: [TARGET], portOffset: offset, logDir: mkdtempSync(path.join(os.tmpdir(), 'lab-observer-')) });
  try {
    const target = runtime.targets.find((t) => t.name === TARGET);
    if (!target) {
      console.log(`${TARGET} is not available: ${JSON.stringify(runtime.unavailable)}`);
      return;
    }
    await fetch(`${runtime.upstream.httpUrl}/admin/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ delay_ms: UPSTREAM_DELAY_MS, jitter_ms: 0 }) }).then((r) => r.text());
    // Warm-up (threads, caches), not counted.
    await round(runtime, target, false);
    const rounds: Round[] = [];
    const t0 = performance.now();
    for (let i = 0; i < ROUNDS; i++) {
      for (const sampled of i % 2 === 0 ? [false, true] : [true, false]) {
        const r = await round(runtime, target, sampled);
        rounds.push(r);
        console.log(`round ${i + 1} ${sampled ? 'sampled  ' : 'unsampled'}: ${r.rps.toFixed(1)} req/s at ${CONNECTIONS} connections, /overhead ${r.overhead.toFixed(2)} (${OVERHEAD_QUERY})`);
      }
    }
    const off = rounds.filter((r) => !r.sampled);
    const on = rounds.filter((r) => r.sampled);
    const rpsCost = 1 - mean(on.map((r) => r.rps)) / mean(off.map((r) => r.rps));
    const ovCost = mean(on.map((r) => r.overhead)) / mean(off.map((r) => r.overhead)) - 1;
    console.log(`\n${TARGET}, sampling: ${SAMPLING}, ${ROUNDS} rounds each way, ${((performance.now() - t0) / 1000).toFixed(0)} s:`);
    console.log(`  throughput without sampling ${mean(off.map((r) => r.rps)).toFixed(1)} req/s, with ${mean(on.map((r) => r.rps)).toFixed(1)}: cost ${pct(rpsCost)} (goal < ${pct(GOAL)})`);
    console.log(`  /overhead   without sampling ${mean(off.map((r) => r.overhead)).toFixed(3)}, with ${mean(on.map((r) => r.overhead)).toFixed(3)}: cost ${pct(ovCost)} (goal < ${pct(GOAL)})`);
    // Rounds of the same kind differ too (a busy machine): a cost inside that spread is not a measurement.
    const spread = (xs: number[]) => (Math.max(...xs) - Math.min(...xs)) / mean(xs);
    const noise = Math.max(spread(off.map((r) => r.rps)), spread(off.map((r) => r.overhead)));
    console.log(`  spread between unsampled rounds: throughput ${pct(spread(off.map((r) => r.rps)))}, overhead ${pct(spread(off.map((r) => r.overhead)))}`);
    const verdict = noise > GOAL && Math.max(rpsCost, ovCost) < noise
      ? `cannot tell against a ${pct(GOAL)} goal: the rounds vary by ${pct(noise)} (rerun on an idle machine)`
      : rpsCost < GOAL && ovCost < GOAL ? 'goal met' : 'goal NOT met';
    console.log(`  ${verdict} (${os.availableParallelism()} CPUs, load average ${os.loadavg()[0]!.toFixed(2)})`);
  } finally {
    await runtime.stop();
  }
}

await main();
