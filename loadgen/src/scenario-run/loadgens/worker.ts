import os from 'node:os';
import { executorFor } from '../../executors/registry.js';
import type { StepContext } from '../../executors/common/executor.js';
import { sleep } from '../../core/sleep.js';
import type { Endpoint, LabRuntime } from '../../runtime/types.js';
import { validateScenario } from '../../scenario/validate.js';
import { encodeHistogram, PROTOCOL_VERSION, type WorkerJob, type WorkerReport } from './protocol.js';

// One load generator: its share of one step, run by the scenario's own executor (the same
// code that runs a single-generator step), with the phases on the job's clock.

/** A generator has no runtime of its own: an executor that needs one cannot be split. */
function noRuntime(executor: string): LabRuntime {
  const refuse = (): never => {
    throw new Error(`executor ${executor} asks for the lab's runtime, which a load generator worker does not have: it cannot run with --loadgens`);
  };
  return {
    kind: 'local',
    get upstream(): Endpoint { return refuse(); },
    targets: [],
    unavailable: [],
    stats: async () => refuse(),
    restart: async () => refuse(),
    kill: async () => refuse(),
    pause: async () => refuse(),
    resume: async () => refuse(),
    lifeEvents: () => [],
    stop: async () => {},
  };
}

export async function runWorkerJob(job: WorkerJob, signal: AbortSignal): Promise<WorkerReport> {
  const base = { v: PROTOCOL_VERSION, index: job.index, startAtMs: job.startAtMs, host: process.env.LAB_LOADGEN_HOST || os.hostname() } as const;
  const failed = (error: string): WorkerReport => ({
    ...base, measurement: { requests: 0, ok: 0, durationS: 0, latencyMs: { p50: null, p90: null, p99: null, p999: null, max: null }, errors: { timeouts: 0, non2xx: 0, connection: 0, by_kind: {} }, loadgenThreads: 1, warnings: [] },
    histogram: '', cpuSeconds: 0, measureStartMs: 0, measureEndMs: 0, error,
  });
  const checked = validateScenario(job.scenario);
  if (!checked.ok) return failed(`the scenario is invalid here: ${checked.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  const scenario = checked.scenario;
  const target: Endpoint = job.target;
  const executor = executorFor(scenario.executor);
  const ctx: StepContext = { scenario, runtime: noRuntime(executor.name), target, load: job.load, signal, onLive: () => {} };
  try {
    const run = await executor.start(ctx);
    try {
      await sleep(job.startAtMs - Date.now(), signal);
      await run.warmup(job.warmupS);
      const measureStartMs = Date.now();
      const cpu0 = process.cpuUsage();
      const m = await run.measure(job.durationS);
      const cpu = process.cpuUsage(cpu0);
      const measureEndMs = Date.now();
      const { histogram, ...measurement } = m;
      if (!histogram) return failed(`executor ${executor.name} reports no latency histogram, so its percentiles cannot be merged exactly: it cannot run with --loadgens`);
      return { ...base, measurement, histogram: encodeHistogram(histogram), cpuSeconds: (cpu.user + cpu.system) / 1e6, measureStartMs, measureEndMs };
    } finally {
      await run.close().catch(() => {});
    }
  } catch (err) {
    return failed((err as Error).message || String(err));
  }
}
