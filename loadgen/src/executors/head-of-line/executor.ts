import type { Problem } from '../../model/problems.js';
import { sleep } from '../../core/sleep.js';
import { probeEcho } from '../load-common/echo-request.js';
import { latencyHistogram, latencyOf } from '../load-common/histogram.js';
import { WindowTally } from '../load-common/window-tally.js';
import { sampleServer } from '../../observe/server-sampler.js';
import { emptyErrors, type Executor, type Measurement, type StepContext, type StepRun } from '../common/executor.js';
import { HeavyStream } from './heavy-stream.js';
import { LightLoad } from './light-load.js';
import { classFigures, type HeadOfLineMeasurement } from './measurement.js';
import { headOfLineView } from './view.js';

// What preemption buys (issue 21): light requests on N keep-alive connections and, beside
// them, a small fixed-rate stream of heavy ones (cpu_ms of CPU each) on their own connection.
// An event loop serves every light request queued behind a heavy one late; a preemptive
// scheduler does not. The baseline is measured in the same step, on the same connections: the
// measure phase is two halves, first with the heavy stream on, then (after the last heavy
// answer) the light load alone. The light load runs from warmup through both halves without a
// restart; warmup runs the heavy stream too, so its code is warm when measured.

const REQUEST_TIMEOUT_S = 10;

/** The scenario's `head_of_line:` key. */
export interface HeadOfLineConfig {
  heavy_cpu_ms: number;
  heavy_every_ms: number;
}
export interface HeadOfLineScenarioKeys {
  head_of_line?: HeadOfLineConfig;
}

export const headOfLine: Executor = {
  name: 'head-of-line',
  configSchema: {
    head_of_line: {
      type: 'object',
      additionalProperties: false,
      required: ['heavy_cpu_ms', 'heavy_every_ms'],
      properties: {
        heavy_cpu_ms: { type: 'number', exclusiveMinimum: 0, maximum: 10000 },
        heavy_every_ms: { type: 'number', minimum: 10, maximum: 600000 },
      },
    },
  },
  validate(d) {
    const out: Problem[] = [];
    if (d.head_of_line === undefined) out.push({ path: 'head_of_line', message: 'is required by the head-of-line executor, e.g. { heavy_cpu_ms: 50, heavy_every_ms: 200 }' });
    const cpu = (d.request as { cpu_ms?: unknown; cpu_iters?: unknown } | undefined);
    if (cpu && ((typeof cpu.cpu_ms === 'number' && cpu.cpu_ms > 0) || (typeof cpu.cpu_iters === 'number' && cpu.cpu_iters > 0))) {
      out.push({ path: 'request', message: 'is the light class: it must not ask for CPU work (cpu_ms, cpu_iters); the heavy class takes head_of_line.heavy_cpu_ms' });
    }
    return out;
  },
  configure: (src) => (src.head_of_line ? { head_of_line: { ...src.head_of_line } } : {}),
  view: headOfLineView,
  loadUnit: 'connections',
  protocol: 'http',
  idealRps: (connections, delayMs) => (delayMs > 0 ? connections / (delayMs / 1000) : null),
  async start(ctx: StepContext): Promise<StepRun> {
    const cfg = ctx.scenario.head_of_line!;
    const expectBody = await probeEcho(ctx.target.httpUrl, ctx.scenario.request);
    const light = new LightLoad(ctx, expectBody, REQUEST_TIMEOUT_S);
    const heavy = new HeavyStream(ctx, cfg.heavy_cpu_ms, cfg.heavy_every_ms, expectBody, REQUEST_TIMEOUT_S * 1000);
    return {
      warmup: async (seconds) => {
        if (seconds <= 0) return;
        light.start(seconds + ctx.scenario.durationS);
        heavy.start();
        await sleep(seconds * 1000, ctx.signal);
        if (light.failure) throw light.failure;
      },
      measure: async (seconds): Promise<Measurement> => {
        if (!light.started) light.start(seconds);
        heavy.start();
        const half = seconds / 2;
        try {
          const withHeavy = await window(ctx, light, heavy, half);
          await heavy.stop();
          const alone = await window(ctx, light, undefined, half);
          if (light.failure) throw light.failure;
          return measurement(cfg, withHeavy, alone);
        } finally {
          await heavy.stop();
          await light.close();
        }
      },
      close: async () => {
        heavy.close();
        await light.close();
      },
    };
  },
};

interface Window {
  light: WindowTally;
  heavy: WindowTally;
  /** The row's CPU seconds over the window (null without a CPU reading). */
  serverCpuS: number | null;
}

async function window(ctx: StepContext, light: LightLoad, heavy: HeavyStream | undefined, seconds: number): Promise<Window> {
  const timeoutMs = REQUEST_TIMEOUT_S * 1000;
  const w: Window = { light: new WindowTally(timeoutMs), heavy: new WindowTally(timeoutMs), serverCpuS: null };
  const before = await sampleServer(ctx.runtime, ctx.target, 'http');
  light.window = w.light;
  if (heavy) heavy.window = w.heavy;
  const ticker = setInterval(() => ctx.onLive(w.light.live(ctx.load)), 1000);
  try {
    await Promise.race([sleep(seconds * 1000, ctx.signal), light.ended]);
  } finally {
    clearInterval(ticker);
    w.light.close();
    w.heavy.close();
    light.window = undefined;
    if (heavy) heavy.window = undefined;
  }
  const after = await sampleServer(ctx.runtime, ctx.target, 'http');
  if (before.cpuSeconds !== undefined && after.cpuSeconds !== undefined) w.serverCpuS = after.cpuSeconds - before.cpuSeconds;
  return w;
}

/** The step as a whole counts every answer of both windows; its key tells the classes apart. */
function measurement(cfg: HeadOfLineConfig, withHeavy: Window, alone: Window): Measurement {
  const parts = [withHeavy.light.measurement(), withHeavy.heavy.measurement(), alone.light.measurement()];
  const all = latencyHistogram();
  const errors = emptyErrors();
  for (const p of parts) {
    all.add(p.histogram!);
    errors.timeouts += p.errors.timeouts;
    errors.non2xx += p.errors.non2xx;
    errors.connection += p.errors.connection;
    for (const [k, n] of Object.entries(p.errors.by_kind)) errors.by_kind[k] = (errors.by_kind[k] ?? 0) + n;
  }
  const [light, heavy, lightAlone] = parts as [Measurement, Measurement, Measurement];
  const fields: HeadOfLineMeasurement = {
    heavy_cpu_ms: cfg.heavy_cpu_ms,
    heavy_every_ms: cfg.heavy_every_ms,
    light: classFigures(light),
    heavy: classFigures(heavy),
    light_alone: classFigures(lightAlone),
    server_cpu_s: { with_heavy: withHeavy.serverCpuS, alone: alone.serverCpuS },
  };
  return {
    requests: light.requests + heavy.requests + lightAlone.requests,
    ok: light.ok + heavy.ok + lightAlone.ok,
    durationS: Math.round((light.durationS + lightAlone.durationS) * 1000) / 1000,
    latencyMs: latencyOf(all),
    histogram: all,
    errors,
    loadgenThreads: 1,
    warnings: [],
    fields: { head_of_line: fields },
  };
}

/** Adds its key to the scenario as written and as validated (model/scenario.ts names no executor). */
declare module '../../model/scenario.js' {
  interface ScenarioSource extends HeadOfLineScenarioKeys {}
  interface Scenario extends HeadOfLineScenarioKeys {}
}
