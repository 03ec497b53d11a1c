import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

// The observer on a budget (issue 18): a /metrics scrape costs the row it measures a few ms of
// CPU (HTTP handling and the socket writes as much as rendering the text), so the cadence that
// keeps observing under a budget depends on the row. measureScrapeCost measures one row's cost
// per scrape (its CPU while scraped minus its CPU while left alone, over the same time);
// cadenceFor turns that into the shortest interval that stays within the budget.

export interface ScrapeCost {
  /** CPU seconds the row spends per scrape, above its idle rate; never below 0. */
  perScrapeCpuS: number;
  /** The row's own CPU rate with nobody asking (timers, GC): cores. */
  idleCores: number;
  scrapes: number;
  windowS: number;
}

export interface ScrapeCostProbe {
  /** The row's cumulative CPU seconds (its process tree, read from outside: /proc or cgroup). */
  cpuSeconds: () => Promise<number>;
  /** One scrape of the row's /metrics, as the sampler does it. */
  scrape: () => Promise<unknown>;
  scrapes?: number;
  /** Spacing of the scrapes: the sampler's own cadence, so caches inside the row behave as in a run. */
  gapMs?: number;
}

async function cpuRate(probe: ScrapeCostProbe, scrapes: number, gapMs: number, scraping: boolean): Promise<{ cpuS: number; wallS: number }> {
  const cpu0 = await probe.cpuSeconds();
  const t0 = performance.now();
  for (let i = 0; i < scrapes; i++) {
    if (scraping) await probe.scrape();
    await sleep(gapMs);
  }
  return { cpuS: (await probe.cpuSeconds()) - cpu0, wallS: (performance.now() - t0) / 1000 };
}

export async function measureScrapeCost(probe: ScrapeCostProbe): Promise<ScrapeCost> {
  const scrapes = probe.scrapes ?? 20;
  const gapMs = probe.gapMs ?? 500;
  if (!(Number.isInteger(scrapes) && scrapes >= 1)) throw new RangeError(`scrapes must be a whole number >= 1, got ${scrapes}`);
  const idle = await cpuRate(probe, scrapes, gapMs, false);
  const busy = await cpuRate(probe, scrapes, gapMs, true);
  const idleCores = idle.cpuS / idle.wallS;
  const extra = busy.cpuS - idleCores * busy.wallS;
  return { perScrapeCpuS: Math.max(0, extra / scrapes), idleCores, scrapes, windowS: busy.wallS };
}

export interface CadenceOptions {
  /** Share of one core the scrapes may cost the row (default 0.005: half the 1% goal, for the noise). */
  budgetCores?: number;
  /** Never faster than this (the lab's 500 ms): peaks and timeline columns need no more. */
  minMs?: number;
  /** Never slower than this: a step's peaks and live rate need a few samples. */
  maxMs?: number;
}

export const CADENCE_DEFAULTS = { budgetCores: 0.005, minMs: 500, maxMs: 5000 } as const;

/** The shortest scrape interval (ms, a multiple of 100) whose cost stays within the budget, within min..max. */
export function cadenceFor(perScrapeCpuS: number, opts: CadenceOptions = {}): number {
  const { budgetCores, minMs, maxMs } = { ...CADENCE_DEFAULTS, ...opts };
  if (!(perScrapeCpuS >= 0) || !Number.isFinite(perScrapeCpuS)) throw new RangeError(`cost per scrape must be a finite number >= 0, got ${perScrapeCpuS}`);
  if (!(budgetCores > 0)) throw new RangeError(`budget must be above 0 cores, got ${budgetCores}`);
  // ms, up to the next 100 (less a hair, so that 0.004 / 0.005 is 800 and not 900 by rounding)
  const needed = Math.ceil((perScrapeCpuS / budgetCores) * 10 - 1e-9) * 100;
  return Math.min(maxMs, Math.max(minMs, needed));
}
