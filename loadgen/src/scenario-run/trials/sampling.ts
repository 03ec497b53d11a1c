import http from 'node:http';
import { cadenceFor, measureScrapeCost } from '../../observe/scrape-budget.js';
import type { Endpoint, LabRuntime } from '../../runtime/types.js';
import type { StepSampling } from '../run-step.js';

// The observer on a budget (issue 18): before a row's first step, its CPU per /metrics scrape is
// measured once (scrape-budget.ts: its CPU while scraped minus while left alone) and the
// sampler's cadence is the shortest that keeps the scrapes within 1% of a core (cadenceFor),
// and never slower than a second: the live rate of executors without a per-second view comes
// from the server's counter. A row dearer than 10 ms per scrape exceeds the budget at that
// cadence; its step says so (sampler.cost_cores). The cost is kept for the life of the process:
// a tour's parts reuse it.

const SCRAPES = 10;
const GAP_MS = 100;
export const SAMPLING_BUDGET = { budgetCores: 0.01, maxMs: 1000 } as const;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const measured = new Map<string, number | null>();

function scrape(url: string): Promise<void> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent, timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', resolve);
      res.on('error', () => resolve());
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve());
  });
}

/** The row's cost per scrape (CPU seconds), measured once per process; null when the runtime cannot see its CPU. */
export async function scrapeCostOf(runtime: LabRuntime, target: Endpoint): Promise<number | null> {
  const key = `${runtime.kind}:${target.name}:${target.metricsUrl}`;
  if (measured.has(key)) return measured.get(key)!;
  let cost: number | null = null;
  if ((await runtime.stats(target.name).catch(() => undefined)) !== undefined) {
    const cpuSeconds = async () => {
      const s = await runtime.stats(target.name);
      if (!s) throw new Error(`${target.name}: no CPU figure`);
      return s.cpuSeconds;
    };
    cost = await measureScrapeCost({ cpuSeconds, scrape: () => scrape(target.metricsUrl), scrapes: SCRAPES, gapMs: GAP_MS }).then((c) => c.perScrapeCpuS, () => null);
  }
  measured.set(key, cost);
  return cost;
}

/** The sampler's cadence for a row and what its scrapes cost it at that cadence. */
export async function samplingFor(runtime: LabRuntime, target: Endpoint): Promise<StepSampling> {
  const cost = await scrapeCostOf(runtime, target);
  const intervalMs = cadenceFor(cost ?? 0, SAMPLING_BUDGET);
  return { intervalMs, record: { interval_ms: intervalMs, scrape_cpu_s: cost, cost_cores: cost === null ? null : cost / (intervalMs / 1000) } };
}
