import { cadenceFor, measureScrapeCost } from '../../observe/scrape-budget.js';
import { scrapeMetrics } from '../../observe/server-sampler.js';
import type { Endpoint, LabRuntime } from '../../runtime/types.js';
import type { StepSampling } from '../run-step.js';

// The observer on a budget (issue 18): before a row's first step, its CPU per /metrics scrape is
// measured once (scrape-budget.ts: its CPU while scraped minus while left alone) and the
// sampler's cadence is the shortest that keeps the scrapes within half of the 1% goal
// (cadenceFor; the other half is for the estimate's own noise), between 500 ms and 5 s (a
// row whose scrape is dear, node-cluster asking two workers for theirs, is sampled less often:
// its live view and its timeline's server figures update that often).
// The estimate is taken at the 500 ms the sampler would use at most: on this kind of machine a
// scrape's cost is mostly waking the row (measured: 0.5-3 ms back to back, 4-20 ms once every
// 500 ms, rising with the gap), so scrapes 100 ms apart read 3-5x too cheap. /proc counts CPU
// in 10 ms ticks per process, coarse against a few ms per scrape: the estimate is an upper one,
// the measured cost plus that resolution (two readings per window, spread over the scrapes), so
// a row whose scrapes read as free is not scraped every 500 ms on that reading alone. A row
// whose scrape still exceeds the budget at 5 s says so in its step (sampler.cost_cores). The
// cost is kept for the life of the process: a tour's parts reuse it.

const SCRAPES = 4;
/** /proc's tick (USER_HZ 100): the resolution of a process's CPU reading; a cgroup's is 1 us. */
const PROC_TICK_S = 0.01;
const GAP_MS = 500;
export const SAMPLING_BUDGET = { budgetCores: 0.005, maxMs: 5000 } as const;
const measured = new Map<string, number | null>();

/** The row's cost per scrape (CPU seconds, an upper estimate), measured once per process; null when the runtime cannot see its CPU. */
export async function scrapeCostOf(runtime: LabRuntime, target: Endpoint): Promise<number | null> {
  const key = `${runtime.kind}:${target.name}:${target.metricsUrl}`;
  if (measured.has(key)) return measured.get(key)!;
  let cost: number | null = null;
  const stats = await runtime.stats(target.name).catch(() => undefined);
  if (stats !== undefined) {
    // Two readings of each process per window, each off by up to a tick (a container's cgroup counter is exact).
    const resolutionS = stats.container ? 0 : (2 * PROC_TICK_S * Math.max(1, stats.processes)) / SCRAPES;
    const cpuSeconds = async () => {
      const s = await runtime.stats(target.name);
      if (!s) throw new Error(`${target.name}: no CPU figure`);
      return s.cpuSeconds;
    };
    cost = await measureScrapeCost({ cpuSeconds, scrape: () => scrapeMetrics(target.metricsUrl, 2000).then(() => undefined), scrapes: SCRAPES, gapMs: GAP_MS }).then((c) => c.perScrapeCpuS + resolutionS, () => null);
  }
  measured.set(key, cost);
  return cost;
}

/**
 * The sampler's cadence for a row and what its scrapes cost it at that cadence. everySecond:
 * the scenario has events (a kill, a slowdown), whose recovery the timeline tells to the second,
 * so the row is sampled at least once a second whatever it costs (the record says how much).
 */
export async function samplingFor(runtime: LabRuntime, target: Endpoint, opts: { everySecond?: boolean } = {}): Promise<StepSampling> {
  const cost = await scrapeCostOf(runtime, target);
  const budgeted = cadenceFor(cost ?? 0, SAMPLING_BUDGET);
  const intervalMs = opts.everySecond ? Math.min(1000, budgeted) : budgeted;
  return { intervalMs, record: { interval_ms: intervalMs, scrape_cpu_s: cost, cost_cores: cost === null ? null : cost / (intervalMs / 1000) } };
}
