import autocannon from 'autocannon';
import { echoPath, probeEcho } from './echo-request.js';
import { latencyHistogram, latencyOf, recordMs } from './histogram.js';
import { countKind, emptyErrors, type Executor, type Measurement, type StepContext, type StepRun } from './types.js';

// Closed model: N keep-alive connections, each sending its next request when the previous
// answer arrives (autocannon, pipelining 1). Throughput is bounded by N / latency: Little's law.

/** From this many connections on, autocannon runs in worker threads so one thread does not cap the load. */
export const WORKERS_FROM_CONNECTIONS = 200;
const WORKER_THREADS = 2;
const REQUEST_TIMEOUT_S = 10;

export const connectionsSweep: Executor = {
  name: 'connections-sweep',
  loadUnit: 'connections',
  protocol: 'http',
  idealRps: (connections, delayMs) => (delayMs > 0 ? connections / (delayMs / 1000) : null),
  async start(ctx: StepContext): Promise<StepRun> {
    const expectBody = await probeEcho(ctx.target.httpUrl, ctx.scenario.request);
    const workers = ctx.load >= WORKERS_FROM_CONNECTIONS ? WORKER_THREADS : undefined;
    return {
      warmup: async (seconds) => {
        if (seconds > 0) await runAutocannon(ctx, seconds, expectBody, workers, false);
      },
      measure: (seconds) => runAutocannon(ctx, seconds, expectBody, workers, true),
      close: async () => {},
    };
  },
};

function runAutocannon(ctx: StepContext, seconds: number, expectBody: string, workers: number | undefined, live: boolean): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const perSecond = latencyHistogram();
    let finished = false;
    const instance = autocannon(
      {
        url: ctx.target.httpUrl + echoPath(ctx.scenario.request),
        connections: ctx.load,
        pipelining: 1,
        duration: seconds,
        timeout: REQUEST_TIMEOUT_S,
        expectBody,
        workers,
      },
      (err, result) => {
        finished = true;
        ctx.signal.removeEventListener('abort', stop);
        if (err) return reject(err instanceof Error ? err : new Error(String(err)));
        resolve(toMeasurement(result, workers));
      },
    );
    const stop = () => instance.stop();
    ctx.signal.addEventListener('abort', stop, { once: true });
    if (!live || workers) return;
    // Worker threads emit neither; the run loop then takes the live rate from the server.
    instance.on('response', (_client, _status, _bytes, responseTime) => recordMs(perSecond, responseTime));
    // The typings omit tick's argument: autocannon passes { counter, bytes } for the last second.
    (instance as unknown as NodeJS.EventEmitter).on('tick', (counter: { counter: number }) => {
      if (finished) return;
      const l = latencyOf(perSecond);
      ctx.onLive({ rps: counter.counter, connections: ctx.load, latencyMs: { p50: l.p50 ?? undefined, p90: l.p90 ?? undefined, p99: l.p99 ?? undefined } });
      perSecond.reset();
    });
  });
}

function toMeasurement(r: autocannon.Result, workers: number | undefined): Measurement {
  const res = r as autocannon.Result & { mismatches: number; '2xx': number; statusCodeStats?: Record<string, { count: number }> };
  const requests = (r.requests as unknown as { total: number }).total;
  const errors = emptyErrors();
  errors.timeouts = r.timeouts;
  errors.non2xx = r.non2xx;
  errors.connection = Math.max(0, r.errors - r.timeouts);
  if (errors.timeouts) countKind(errors, 'timeout', errors.timeouts);
  if (errors.connection) countKind(errors, 'connection', errors.connection);
  if (res.mismatches) countKind(errors, 'mismatch', res.mismatches);
  for (const [code, { count }] of Object.entries(res.statusCodeStats ?? {})) {
    if (!code.startsWith('2')) countKind(errors, `status ${code}`, Number(count));
  }
  const ok = Math.max(0, (res['2xx'] ?? requests - r.non2xx) - (res.mismatches ?? 0));
  const hasLatency = (r.latency as unknown as { totalCount?: number }).totalCount !== 0 && ok > 0;
  return {
    requests,
    ok,
    durationS: r.duration,
    latencyMs: hasLatency
      ? { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, p999: r.latency.p99_9, max: r.latency.max }
      : { p50: null, p90: null, p99: null, p999: null, max: null },
    errors,
    loadgenThreads: workers ?? 1,
    warnings: [],
    liveFromServer: workers !== undefined,
  };
}
