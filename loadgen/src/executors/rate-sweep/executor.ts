import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { echoPath, probeEcho } from '../load-common/echo-request.js';
import { latencyHistogram, latencyOf, recordMs, type LatencyHistogram } from '../load-common/histogram.js';
import { loadView } from '../load-common/view.js';
import { countKind, emptyErrors, type Executor, type Measurement, type StepContext, type StepRun } from '../common/executor.js';
import { sleep } from '../../core/sleep.js';

// Open model: requests arrive on a fixed schedule whether or not earlier ones were answered
// (constant-arrival-rate). Each latency runs from the request's *scheduled* send time, so a
// server that stalls is charged for the queue it causes: no coordinated omission. autocannon's
// overallRate is not used for this because it stays a closed model per connection (a busy
// connection does not send) and its correction uses a 1 ms expected interval whatever the rate.

const MAX_CONNECTIONS = 1024;
/** Requests waiting for a connection beyond this are not sent and counted as a client backlog error. */
const MAX_OUTSTANDING = 20_000;
const REQUEST_TIMEOUT_MS = 10_000;
const TICK_MS = 1;

export const rateSweep: Executor = {
  name: 'rate-sweep',
  configSchema: {},
  view: loadView,
  loadUnit: 'rate_rps',
  protocol: 'http',
  idealRps: (rate) => rate,
  async start(ctx: StepContext): Promise<StepRun> {
    const expectBody = await probeEcho(ctx.target.httpUrl, ctx.scenario.request);
    const pool = new Pool(ctx.target.httpUrl, {
      connections: MAX_CONNECTIONS,
      pipelining: 1,
      headersTimeout: REQUEST_TIMEOUT_MS,
      bodyTimeout: REQUEST_TIMEOUT_MS,
      keepAliveTimeout: 30_000,
    });
    const path = echoPath(ctx.scenario.request);
    return {
      warmup: async (seconds) => {
        // The warmup's late answers are not waited for: the measure's schedule follows on at
        // once, so the arrivals never pause (a drain here emptied the first measured second).
        if (seconds > 0) await schedule(ctx, pool, path, expectBody, seconds, false);
      },
      measure: (seconds) => schedule(ctx, pool, path, expectBody, seconds, true),
      close: () => pool.close(),
    };
  },
};

async function schedule(ctx: StepContext, pool: Pool, path: string, expectBody: string, seconds: number, live: boolean): Promise<Measurement> {
  const rate = ctx.load;
  const all = latencyHistogram();
  const lastSecond = latencyHistogram();
  const errors = emptyErrors();
  let requests = 0;
  let ok = 0;
  let okLastSecond = 0;
  let outstanding = 0;
  let sent = 0;
  const inflight = new Set<Promise<void>>();
  const t0 = performance.now();
  const windowMs = seconds * 1000;

  const fire = (intended: number) => {
    if (outstanding >= MAX_OUTSTANDING) {
      errors.connection++;
      countKind(errors, 'client backlog full');
      return;
    }
    outstanding++;
    const p = send(pool, path, expectBody, intended, (outcome, latencyMs) => {
      if (outcome !== 'timeout' && outcome !== 'connection') requests++;
      if (outcome === 'ok') {
        ok++;
        okLastSecond++;
        recordMs(all, latencyMs);
        recordMs(lastSecond, latencyMs);
      } else if (outcome === 'timeout') {
        // Censored, not dropped: a request that timed out took at least this long.
        errors.timeouts++;
        recordMs(all, latencyMs);
      }
      else if (outcome === 'connection') errors.connection++;
      else if (outcome !== 'mismatch') errors.non2xx++; // a wrong body is counted by kind only
      if (outcome !== 'ok') countKind(errors, outcome);
      if (outcome === 'timeout' || outcome === 'connection') ctx.timeline?.error(outcome);
      else ctx.timeline?.response(latencyMs, outcome === 'ok', outcome);
    }).finally(() => {
      outstanding--;
      inflight.delete(p);
    });
    inflight.add(p);
  };

  const ticker = live
    ? setInterval(() => {
        const l = latencyOf(lastSecond);
        ctx.onLive({ rps: okLastSecond, connections: Math.min(outstanding, MAX_CONNECTIONS), latencyMs: { p50: l.p50 ?? undefined, p90: l.p90 ?? undefined, p99: l.p99 ?? undefined } });
        okLastSecond = 0;
        lastSecond.reset();
      }, 1000)
    : undefined;

  while (!ctx.signal.aborted) {
    const elapsed = performance.now() - t0;
    const due = Math.min(Math.floor((rate * Math.min(elapsed, windowMs)) / 1000), Math.floor((rate * windowMs) / 1000));
    while (sent < due) fire(t0 + (sent++ * 1000) / rate);
    if (elapsed >= windowMs) break;
    await sleep(TICK_MS);
  }
  const sendWindowS = Math.min(performance.now() - t0, windowMs) / 1000;
  if (!live) return { requests, ok, durationS: sendWindowS, latencyMs: latencyOf(all), errors, loadgenThreads: 1, warnings: [] };
  // Answers to requests scheduled inside the window still count; a SIGINT stops waiting.
  const drainFrom = performance.now();
  await untilSettledOrAborted([...inflight], ctx.signal);
  clearInterval(ticker);
  const drainS = (performance.now() - drainFrom) / 1000;
  // The server's counters (CPU, context switches) cover the drain too: the step's window says so.
  const warnings = drainS > Math.max(1, 0.2 * sendWindowS)
    ? [`late answers drained for ${drainS.toFixed(1)} s after the ${sendWindowS.toFixed(1)} s send window: the target was overloaded at ${rate} req/s, and the server's CPU covers ${(sendWindowS + drainS).toFixed(1)} s (window.real_s)`]
    : [];
  return {
    requests,
    ok,
    durationS: sendWindowS,
    latencyMs: latencyOf(all),
    histogram: all,
    errors,
    loadgenThreads: 1,
    warnings,
  };
}

/**
 * Waits for every promise, or for the signal. The listener goes when the wait ends: the signal
 * lives for the whole run, and one listener left per window was Node's MaxListenersExceeded
 * warning after a few minutes of steps.
 */
async function untilSettledOrAborted(pending: Promise<void>[], signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  let onAbort = () => {};
  const aborted = new Promise<void>((resolve) => { onAbort = resolve; });
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.race([Promise.allSettled(pending), aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

type Outcome = 'ok' | 'mismatch' | 'timeout' | 'connection' | `status ${number}`;

async function send(pool: Pool, path: string, expectBody: string, intended: number, done: (o: Outcome, latencyMs: number) => void): Promise<void> {
  try {
    const res = await pool.request({ path, method: 'GET' });
    const body = await res.body.text();
    const latency = performance.now() - intended;
    if (res.statusCode < 200 || res.statusCode > 299) done(`status ${res.statusCode}`, latency);
    else done(body === expectBody ? 'ok' : 'mismatch', latency);
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    done(/TIMEOUT/i.test(code) ? 'timeout' : 'connection', performance.now() - intended);
  }
}

export type { LatencyHistogram };
