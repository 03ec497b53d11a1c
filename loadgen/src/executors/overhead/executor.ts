import type { Problem } from '../../model/problems.js';
import { OVERHEAD_MODES, type OverheadMeasurement, type OverheadMode } from './modes.js';
import { overheadView } from './view.js';
import { countKind, emptyErrors, type Executor, type Measurement, type StepContext, type StepRun } from '../common/executor.js';

// The pool-overhead experiment (gevent-threading-comparison): each row runs `tasks` sleeps of
// `sleep_ms` through `workers` workers of its own concurrency unit and reports how far the
// elapsed time is above the ideal tasks * sleep / workers. Each step asks once per mode the
// scenario lists (pool: the seed's C long-lived workers on a bounded queue; spawn: a unit per
// task), one after the other, never at once: a second experiment would measure the first's load.
// The lab only asks and records. A `warmup` asks the same experiment, discarded, once per mode
// and again until the warmup's seconds are spent: a row's first pool of a size pays its JIT,
// its thread stacks and its forks (the tour starts at 50 workers on a row that has done none).

/** The run's planned time counts each /overhead answer as its ideal time times this. */
const OVERHEAD_ALLOWANCE = 1.25;

const NUMBERS = ['workers', 'tasks', 'sleep_ms', 'elapsed_s', 'ideal_s', 'overhead'] as const;

/** The scenario's `overhead:` key. modes: which /overhead modes each step measures, in this order (default [pool, spawn]). */
export interface OverheadConfigSource {
  tasks: number;
  sleep_ms: number;
  modes?: OverheadMode[];
}
export type OverheadConfig = Required<OverheadConfigSource>;

/** Its key in the scenario as written, and in the validated Scenario (configure()). */
export interface OverheadScenarioKeys {
  overhead?: OverheadConfigSource;
}
export interface OverheadScenarioConfig {
  overhead?: OverheadConfig;
}

export const overhead: Executor = {
  name: 'overhead',
  configSchema: {
    overhead: {
      type: 'object',
      additionalProperties: false,
      required: ['tasks', 'sleep_ms'],
      properties: {
        tasks: { type: 'integer', minimum: 1, maximum: 1000000 },
        sleep_ms: { type: 'number', minimum: 0, maximum: 60000 },
        modes: { type: 'array', minItems: 1, items: { enum: [...OVERHEAD_MODES] } },
      },
    },
  },
  validate(d) {
    const out: Problem[] = [];
    if (d.overhead === undefined) out.push({ path: 'overhead', message: 'is required by the overhead executor, e.g. { tasks: 10000, sleep_ms: 5 }' });
    const modes = (d.overhead as { modes?: unknown } | undefined)?.modes;
    if (Array.isArray(modes)) {
      modes.forEach((m, i) => {
        if (modes.indexOf(m) !== i) out.push({ path: `overhead.modes[${i}]`, message: `'${String(m)}' is listed twice (each mode is measured once per step)` });
      });
    }
    return out;
  },
  configure: (src) => (src.overhead ? { overhead: { ...src.overhead, modes: [...(src.overhead.modes ?? OVERHEAD_MODES)] } } : {}),
  view: overheadView,
  loadUnit: 'workers',
  protocol: 'http',
  idealRps: () => null,
  // Each mode's ideal (tasks x sleep / workers), plus a quarter for the overhead being measured;
  // a warmup asks each mode at least once.
  plannedPhaseSeconds: (s, load) => {
    if (!s.overhead) return { warmup: s.warmupS, measure: s.durationS };
    const once = s.overhead.modes.length * ((s.overhead.tasks * s.overhead.sleep_ms) / 1000 / load) * OVERHEAD_ALLOWANCE;
    return { warmup: s.warmupS > 0 ? Math.max(s.warmupS, once) : 0, measure: once };
  },
  async start(ctx: StepContext): Promise<StepRun> {
    const cfg = ctx.scenario.overhead!;
    return {
      warmup: async (seconds) => {
        if (seconds <= 0) return;
        const until = Date.now() + seconds * 1000;
        do {
          for (const mode of cfg.modes) {
            if (ctx.signal.aborted) return;
            // Discarded; a row that fails here fails the measured ask too, and says so there.
            await askOnce(ctx, mode, cfg.tasks, cfg.sleep_ms).catch(() => undefined);
          }
        } while (Date.now() < until && !ctx.signal.aborted);
      },
      measure: async (): Promise<Measurement> => {
        const errors = emptyErrors();
        const warnings: string[] = [];
        const measured: OverheadMeasurement[] = [];
        const walls: number[] = [];
        for (const mode of cfg.modes) {
          if (ctx.signal.aborted) break;
          const r = await askOnce(ctx, mode, cfg.tasks, cfg.sleep_ms);
          walls.push(r.wallMs);
          warnings.push(...r.warnings);
          if (r.status !== 200) {
            errors.non2xx++;
            countKind(errors, `status ${r.status}`);
          } else if (r.measurement) measured.push(r.measurement);
        }
        const wallMs = walls.reduce((a, b) => a + b, 0);
        const max = Math.max(0, ...walls);
        return {
          requests: walls.length,
          ok: measured.length,
          durationS: wallMs / 1000,
          latencyMs: { p50: walls.length ? [...walls].sort((a, b) => a - b)[Math.floor((walls.length - 1) / 2)]! : null, p90: max, p99: max, p999: max, max },
          errors,
          loadgenThreads: 1,
          warnings,
          ...(measured.length ? { fields: { overhead: { modes: measured } } } : {}),
        };
      },
      close: async () => {},
    };
  },
};

interface Answer {
  status: number;
  wallMs: number;
  warnings: string[];
  measurement?: OverheadMeasurement;
}

async function askOnce(ctx: StepContext, mode: OverheadMode, tasks: number, sleepMs: number): Promise<Answer> {
  const q = new URLSearchParams({ workers: String(ctx.load), tasks: String(tasks), sleep_ms: String(sleepMs), mode });
  const url = `${ctx.target.httpUrl}/overhead?${q}`;
  const idealS = (tasks * sleepMs) / 1000 / ctx.load;
  // Generous: a row with 100% overhead must still finish; a hung one must not hang the run.
  // Spawn mode may fork a process per task, hence the same margin for both.
  const timeoutMs = Math.max(30_000, idealS * 10_000 + 30_000);
  const t0 = Date.now();
  const res = await fetch(url, { signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]) });
  const text = await res.text();
  const wallMs = Date.now() - t0;
  if (res.status !== 200) return { status: res.status, wallMs, warnings: [`GET ${url} answered ${res.status}: ${text.trim().slice(0, 200)}`] };
  const o = JSON.parse(text) as OverheadMeasurement & { mode?: unknown };
  const warnings: string[] = [];
  for (const k of NUMBERS) {
    if (typeof o[k] !== 'number' && !(k === 'overhead' && o[k] === null)) warnings.push(`the /overhead answer (mode=${mode}) has no number '${k}': ${text.slice(0, 200)}`);
  }
  if (o.mode === undefined) warnings.push(`the /overhead answer has no 'mode': the row may ignore mode=${mode} (contract/README.md: the answer names its mode); recorded as ${mode}`);
  else if (o.mode !== mode) warnings.push(`asked /overhead for mode=${mode}, the row answered mode=${String(o.mode)}; recorded as ${mode}`);
  if (warnings.some((w) => w.includes('has no number'))) return { status: 200, wallMs, warnings };
  return {
    status: 200,
    wallMs,
    warnings,
    measurement: {
      workers: o.workers, tasks: o.tasks, sleep_ms: o.sleep_ms, elapsed_s: o.elapsed_s,
      ...(typeof o.setup_s === 'number' ? { setup_s: o.setup_s } : {}),
      ideal_s: o.ideal_s, overhead: o.overhead, mode,
    },
  };
}

/** Adds its keys to the scenario as written and as validated (model/scenario.ts names no executor). */
declare module '../../model/scenario.js' {
  interface ScenarioSource extends OverheadScenarioKeys {}
  interface Scenario extends OverheadScenarioConfig {}
}
