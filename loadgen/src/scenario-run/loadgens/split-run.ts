import { executorFor } from '../../executors/registry.js';
import type { Measurement, StepContext, StepRun } from '../../executors/common/executor.js';
import { sleep } from '../../core/sleep.js';
import type { GeneratorUsage } from '../../model/results.js';
import { mergeReports } from './merge.js';
import { PROTOCOL_VERSION, type WorkerJob, type WorkerReport } from './protocol.js';
import { splitLoad } from './split.js';

// A step driven by K load generators, as one StepRun for the run loop: warmup() hands each
// generator its job (its share of the load, the same start time), measure() waits for the K
// reports and merges them. The run loop's server sampler covers the same seconds as ever.

/** Runs the jobs somewhere (child processes, swarm tasks) and returns one report per job. */
export type GeneratorLauncher = (jobs: WorkerJob[], signal: AbortSignal) => Promise<WorkerReport[]>;

export type SplitMeasurement = Measurement & { generators: GeneratorUsage[] };

export interface SplitOptions {
  k: number;
  launch: GeneratorLauncher;
  /** How long before the common start the jobs are handed out (process or task start-up). */
  startMarginMs: number;
}

export async function startSplitRun(ctx: StepContext, opts: SplitOptions): Promise<StepRun> {
  const executor = executorFor(ctx.scenario.executor);
  const loads = splitLoad(ctx.load, opts.k, executor.loadUnit === 'connections');
  let pending: Promise<WorkerReport[]> | undefined;
  return {
    warmup: async (seconds) => {
      const startAtMs = Date.now() + opts.startMarginMs;
      const jobs: WorkerJob[] = loads.map((load, index) => ({
        v: PROTOCOL_VERSION, index, count: opts.k, scenario: ctx.scenario.source,
        target: { name: ctx.target.name, manifest: ctx.target.manifest, httpUrl: ctx.target.httpUrl, line: ctx.target.line, metricsUrl: ctx.target.metricsUrl },
        load, stepLoad: ctx.load, warmupS: seconds, durationS: ctx.scenario.durationS, startAtMs,
      }));
      pending = opts.launch(jobs, ctx.signal);
      // The run loop starts its server sampler when warmup returns: at the generators' measure start.
      await sleep(startAtMs + seconds * 1000 - Date.now(), ctx.signal);
    },
    measure: async (): Promise<SplitMeasurement> => {
      if (!pending) throw new Error('measure() before warmup(): the generators were never started');
      const merged = mergeReports(await pending, loads);
      return { ...merged.measurement, generators: merged.generators };
    },
    close: async () => {},
    // The wrk witness runs from this process, as with one generator: the executor's own.
    crossCheck: async (warmupS, seconds) => {
      const own = await executor.start(ctx);
      try {
        if (!own.crossCheck) throw new Error(`executor ${executor.name} has no cross-check`);
        return await own.crossCheck(warmupS, seconds);
      } finally {
        await own.close();
      }
    },
  };
}
