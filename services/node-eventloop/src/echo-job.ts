import { burnCpuMs, cpuWork, type EchoParams, type LabMetrics } from '@concurrency-lab/ts-common';
import type { FetchOutcome, UpstreamClient } from './upstream-client.js';

// The job both protocols do: fetch the translation, then the CPU work asked for (cpu_iters,
// cpu_ms), which blocks the one event loop, exactly as it holds the GIL in the Python rows.

export type EchoJob = (params: EchoParams) => Promise<FetchOutcome>;

export function createEchoJob(upstream: UpstreamClient, metrics: LabMetrics): EchoJob {
  const promises = metrics.concurrencyUnits.labels('promises');
  return async ({ text, delayMs, cpuIters, cpuMs }) => {
    const t0 = performance.now();
    promises.inc();
    let result: FetchOutcome;
    try {
      result = await upstream.translate(text, delayMs);
    } finally {
      promises.dec();
      metrics.upstreamDuration.observe((performance.now() - t0) / 1000);
    }
    if (result.ok && cpuIters > 0) cpuWork(text, cpuIters);
    if (result.ok && cpuMs > 0) burnCpuMs(cpuMs);
    return result;
  };
}
