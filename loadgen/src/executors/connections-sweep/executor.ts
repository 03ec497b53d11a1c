import os from 'node:os';
import autocannon from 'autocannon';
import { effectiveDelayMs } from '../../model/upstream-delay.js';
import { echoPath, probeEcho } from '../load-common/echo-request.js';
import { runWrk } from '../load-common/wrk.js';
import { AutocannonRun } from './autocannon-run.js';
import { scrapeMetrics } from '../../observe/server-sampler.js';
import { durationHistogram, serverLatency, type DurationHistogram } from '../../observe/server-latency.js';
import { loadView } from '../load-common/view.js';
import { countKind, emptyErrors, type Executor, type Measurement, type StepContext, type StepRun } from '../common/executor.js';

// Closed model: N keep-alive connections, each sending its next request when the previous
// answer arrives (pipelining 1). Throughput is bounded by N / latency: Little's law. The client
// is autocannon (the lab's chosen load library; worker threads only when one would saturate),
// and `--cross-check` drives the same step with wrk as its independent witness.

const REQUEST_TIMEOUT_S = 10;
/** One autocannon thread spends ~100 us of CPU per request: above this expected rate it needs help. */
const ONE_THREAD_RPS = 5000;

/**
 * Worker threads for a step, or undefined for autocannon's single thread. Workers cost 2-3x
 * more CPU per request than one thread (measured: 300-500 vs 130-200 us at 200 connections),
 * so they are used only when one thread would saturate (expected rate over ONE_THREAD_RPS) and
 * the machine has cores to spare beside the target. LAB_AUTOCANNON_WORKERS forces a count.
 */
export function autocannonWorkers(connections: number, delayMs: number, cores = os.availableParallelism(), env = process.env): number | undefined {
  const forced = env.LAB_AUTOCANNON_WORKERS;
  if (forced !== undefined && forced !== '') {
    const n = Number(forced);
    if (!Number.isInteger(n) || n < 0 || n > 64) throw new Error(`LAB_AUTOCANNON_WORKERS must be an integer from 0 to 64, got '${forced}'`);
    return n > 0 ? Math.min(n, connections) : undefined;
  }
  const expectedRps = delayMs > 0 ? connections / (delayMs / 1000) : Infinity;
  if (expectedRps <= ONE_THREAD_RPS || cores < 4 || connections < 2) return undefined;
  return Math.min(Math.floor(cores / 2), 4, connections);
}

export const connectionsSweep: Executor = {
  name: 'connections-sweep',
  configSchema: {},
  view: loadView,
  stepPlugins: ['cross_check'],
  loadUnit: 'connections',
  protocol: 'http',
  idealRps: (connections, delayMs) => (delayMs > 0 ? connections / (delayMs / 1000) : null),
  async start(ctx: StepContext): Promise<StepRun> {
    const expectBody = await probeEcho(ctx.target.httpUrl, ctx.scenario.request);
    const workers = autocannonWorkers(ctx.load, effectiveDelayMs(ctx.scenario, 'http'));
    // One thread: one autocannon run from warmup through measure (autocannon-run.ts). Worker
    // threads emit no per-request events to count a window with: they still run each phase.
    const one = workers ? undefined : new AutocannonRun(ctx, expectBody, REQUEST_TIMEOUT_S);
    return {
      warmup: async (seconds) => {
        if (seconds <= 0) return;
        if (one) await one.warmup(seconds);
        else await runAutocannon(ctx, seconds, expectBody, workers!);
      },
      measure: (seconds) => (one ? one.measure(seconds) : runAutocannon(ctx, seconds, expectBody, workers!)),
      close: async () => { await one?.close(); },
      crossCheck: async (warmupSeconds, seconds) => {
        const wrk = { url: ctx.target.httpUrl + echoPath(ctx.scenario.request), connections: ctx.load, timeoutS: REQUEST_TIMEOUT_S, signal: ctx.signal };
        // wrk's warmup is a run of its own, discarded, as the lab's is.
        if (warmupSeconds > 0) await runWrk({ ...wrk, durationS: warmupSeconds });
        // The row's own histogram around wrk's measure: the third witness of its latency.
        const before = await scrapeDurations(ctx.target.metricsUrl);
        const report = await runWrk({ ...wrk, durationS: seconds });
        const after = before && (await scrapeDurations(ctx.target.metricsUrl));
        return before && after ? { ...report, serverLatencyMs: serverLatency(before, after) } : report;
      },
    };
  },
};

async function scrapeDurations(metricsUrl: string): Promise<DurationHistogram | undefined> {
  const samples = await scrapeMetrics(metricsUrl, 2000);
  return samples && durationHistogram(samples, 'http');
}

/** With worker threads: one autocannon run per phase (they emit no per-request events to count a window with). */
function runAutocannon(ctx: StepContext, seconds: number, expectBody: string, workers: number): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { url: ctx.target.httpUrl + echoPath(ctx.scenario.request), connections: ctx.load, pipelining: 1, duration: seconds, timeout: REQUEST_TIMEOUT_S, expectBody, workers },
      (err, result) => {
        ctx.signal.removeEventListener('abort', stop);
        if (err) return reject(err instanceof Error ? err : new Error(String(err)));
        resolve(toMeasurement(result, workers));
      },
    );
    const stop = () => instance.stop();
    ctx.signal.addEventListener('abort', stop, { once: true });
  });
}

function toMeasurement(r: autocannon.Result, workers: number): Measurement {
  const res = r as autocannon.Result & { mismatches: number; '2xx': number; statusCodeStats?: Record<string, { count: number }> };
  const requests = (r.requests as unknown as { total: number }).total;
  const errors = emptyErrors();
  errors.timeouts = r.timeouts;
  errors.non2xx = r.non2xx;
  errors.connection = Math.max(0, r.errors - r.timeouts);
  if (errors.timeouts) countKind(errors, 'timeout', errors.timeouts);
  if (errors.connection) countKind(errors, 'connection', errors.connection);
  // autocannon counts a mismatch for every answer whose body differs, non-2xx ones included
  // (a 504's body is never the echo): only the rest are 2xx answers with a wrong body.
  const mismatches = Math.max(0, (res.mismatches ?? 0) - r.non2xx);
  if (mismatches) countKind(errors, 'mismatch', mismatches);
  for (const [code, { count }] of Object.entries(res.statusCodeStats ?? {})) {
    if (!code.startsWith('2')) countKind(errors, `status ${code}`, Number(count));
  }
  const ok = Math.max(0, (res['2xx'] ?? requests - r.non2xx) - mismatches);
  const hasLatency = (r.latency as unknown as { totalCount?: number }).totalCount !== 0 && ok > 0;
  return {
    requests,
    ok,
    durationS: r.duration,
    latencyMs: hasLatency
      ? { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, p999: r.latency.p99_9, max: r.latency.max }
      : { p50: null, p90: null, p99: null, p999: null, max: null },
    errors,
    loadgenThreads: workers,
    warnings: [],
    liveFromServer: true,
  };
}
