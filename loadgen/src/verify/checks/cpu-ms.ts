import { availableParallelism, loadavg } from 'node:os';
import { sumOf } from '../../core/prom-text.js';
import type { CheckGroup } from '../types.js';
import { httpGet } from '../http-client.js';
import { echoUrl } from './expected.js';
import { scrape } from './metrics.js';

// cpu_ms (contract/README.md, /echo): a request with cpu_ms=M costs the row M ms of CPU, by
// the row's own process_cpu_seconds_total. Measured as the CPU of REQUESTS requests with
// cpu_ms=50 less that of the same requests with cpu_ms=0 (fetching, answering and scraping
// cancel out), within 20%, in the order A B B A (with, without, without, with) so that a drift
// of the row's background CPU over the attempt (a fresh JVM's JIT compilers and GC: 90 of 200
// ms asked once read under Docker) falls on both sides alike. A correct row is charged its own
// thread's CPU whatever else runs, but its counter ticks coarsely (10 ms in /proc): the pairs
// are measured up to ATTEMPTS times, and a miss on a machine busier than its cores is a warning
// ('machine is slow right now'), as long as the work plainly happened.

const CPU_MS = 50;
const REQUESTS = 10;
const TOLERANCE = 0.2;
const ATTEMPTS = 3;
// A row that ignores cpu_ms, or times it by the wall clock, is far below this on any machine.
const PLAINLY_DONE = 0.5;
const SETTLE_MS = 300;

async function cpuSeconds(ctx: Parameters<CheckGroup>[0]): Promise<number> {
  const value = sumOf((await scrape(ctx.target)).samples, 'process_cpu_seconds_total');
  if (value === undefined) throw new Error('the row exports no process_cpu_seconds_total');
  return value;
}

/** CPU seconds the row's counter moved over REQUESTS sequential requests with cpu_ms=ms. */
async function costOf(ctx: Parameters<CheckGroup>[0], ms: number): Promise<number> {
  const url = echoUrl(ctx.target, { text: 'cpu', delay_ms: '0', cpu_ms: String(ms) });
  const before = await cpuSeconds(ctx);
  for (let i = 0; i < REQUESTS; i++) {
    const res = await httpGet(url, 10_000);
    if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}`);
  }
  // A row whose requests run in child processes (python-processes) counts a child's CPU when
  // it reaps it: a pause, the same in both runs, lets it. Not a poll: each scrape costs the
  // row CPU too (node-cluster's asks every worker), and only one run would pay for the polls.
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const after = await cpuSeconds(ctx);
  return after - before;
}

export const cpuMsChecks: CheckGroup = async (ctx) => {
  const url = echoUrl(ctx.target, { text: 'cpu', delay_ms: '0', cpu_ms: String(CPU_MS) });
  const expectedS = (REQUESTS * CPU_MS) / 1000;
  // Warm-up, unmeasured: a fresh process compiles its busy loop and makes its first upstream
  // connection on the first requests (a node-cluster worker's first 20 ms cost it ~40).
  for (let i = 0; i < REQUESTS / 2; i++) await httpGet(url, 10_000);
  const ratios: number[] = [];
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const a1 = await costOf(ctx, CPU_MS);
    const b1 = await costOf(ctx, 0);
    const b2 = await costOf(ctx, 0);
    const a2 = await costOf(ctx, CPU_MS);
    const extra = (a1 + a2 - b1 - b2) / 2;
    ratios.push(extra / expectedS);
    if (Math.abs(extra / expectedS - 1) <= TOLERANCE) break;
  }
  const best = ratios.reduce((a, b) => (Math.abs(b - 1) < Math.abs(a - 1) ? b : a));
  const figure = `${REQUESTS} requests with cpu_ms=${CPU_MS} cost ${(best * expectedS * 1000).toFixed(0)} ms of the row's CPU over the same requests with cpu_ms=0 (${(best * 100).toFixed(0)}% of ${expectedS * 1000} ms; ${ratios.length} attempt(s): ${ratios.map((r) => `${(r * 100).toFixed(0)}%`).join(', ')})`;
  const load = loadavg()[0]!;
  const cores = availableParallelism();
  if (Math.abs(best - 1) <= TOLERANCE) ctx.record('cpu-ms', 'pass', figure, url);
  else if (best >= PLAINLY_DONE && load >= cores) ctx.record('cpu-ms', 'warn', `${figure}: outside ${TOLERANCE * 100}%, but the machine is slow right now (load ${load.toFixed(1)} on ${cores} cores)`, url);
  else ctx.record('cpu-ms', 'fail', `${figure}: outside ${TOLERANCE * 100}% (busy work until the handling thread's own CPU clock has advanced cpu_ms, contract/README.md)`, url);
};
