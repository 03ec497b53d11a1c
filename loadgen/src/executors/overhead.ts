import type { OverheadMeasurement } from '../results/types.js';
import { emptyErrors, type Executor, type Measurement, type StepContext, type StepRun } from './types.js';

// The pool-overhead experiment (gevent-threading-comparison): each row runs `tasks` sleeps of
// `sleep_ms` through `workers` workers of its own concurrency unit and reports how far the
// elapsed time is above the ideal tasks * sleep / workers. The lab only asks and records.

export const overhead: Executor = {
  name: 'overhead',
  loadUnit: 'workers',
  protocol: 'http',
  idealRps: () => null,
  async start(ctx: StepContext): Promise<StepRun> {
    const cfg = ctx.scenario.overhead!;
    return {
      warmup: async () => {},
      measure: async (): Promise<Measurement> => {
        const q = new URLSearchParams({ workers: String(ctx.load), tasks: String(cfg.tasks), sleep_ms: String(cfg.sleep_ms) });
        const url = `${ctx.target.httpUrl}/overhead?${q}`;
        const idealS = (cfg.tasks * cfg.sleep_ms) / 1000 / ctx.load;
        // Generous: a row with 100% overhead must still finish; a hung one must not hang the run.
        const timeoutMs = Math.max(30_000, idealS * 10_000 + 30_000);
        const t0 = Date.now();
        const res = await fetch(url, { signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]) });
        const text = await res.text();
        const wallMs = Date.now() - t0;
        const errors = emptyErrors();
        if (res.status !== 200) {
          errors.non2xx = 1;
          errors.by_kind[`status ${res.status}`] = 1;
          return { requests: 1, ok: 0, durationS: wallMs / 1000, latencyMs: { p50: wallMs, p90: wallMs, p99: wallMs, p999: wallMs, max: wallMs }, errors, loadgenThreads: 1, warnings: [`GET ${url} answered ${res.status}: ${text.trim().slice(0, 200)}`] };
        }
        const o = JSON.parse(text) as OverheadMeasurement;
        const warnings: string[] = [];
        for (const k of ['workers', 'tasks', 'sleep_ms', 'elapsed_s', 'ideal_s', 'overhead'] as const) {
          if (typeof o[k] !== 'number' && !(k === 'overhead' && o[k] === null)) warnings.push(`the /overhead answer has no number '${k}': ${text.slice(0, 200)}`);
        }
        return {
          requests: 1,
          ok: warnings.length ? 0 : 1,
          durationS: wallMs / 1000,
          latencyMs: { p50: wallMs, p90: wallMs, p99: wallMs, p999: wallMs, max: wallMs },
          errors,
          loadgenThreads: 1,
          warnings,
          overhead: { workers: o.workers, tasks: o.tasks, sleep_ms: o.sleep_ms, elapsed_s: o.elapsed_s, ideal_s: o.ideal_s, overhead: o.overhead },
        };
      },
      close: async () => {},
    };
  },
};
