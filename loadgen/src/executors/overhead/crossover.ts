import type { RunResults } from '../../model/results.js';
import { runOverheadModes, stepOverhead, type OverheadMode } from './modes.js';

/**
 * Where the overhead curves of two rows cross, for good. For rows A and B measured at the same
 * worker counts, A crosses B at C when A's overhead (elapsed / ideal) was at most B's at the
 * smallest shared worker count, and from C on, at every larger shared worker count too, A's
 * overhead is more than 10% above B's. The margin and the "for good" keep noise from counting
 * as a crossing. Example: threads cost as little as greenlets with 1 worker but more from C = 100 on.
 * Each /overhead mode (pool, spawn) is its own curve: a crossing only ever compares one mode.
 */
export const CROSSOVER_MARGIN = 1.1;

export interface Crossover {
  mode: OverheadMode;
  /** The row that starts cheaper (or equal) and ends up dearer. */
  rising: string;
  /** The row it overtakes. */
  other: string;
  workers: number;
  rising_overhead: number;
  other_overhead: number;
}

/** Every crossing in every mode the run measured, pool first. */
export function overheadCrossovers(r: RunResults): Crossover[] {
  return runOverheadModes(r).flatMap((mode) => modeCrossovers(r, mode));
}

export function modeCrossovers(r: RunResults, mode: OverheadMode): Crossover[] {
  const curves = r.targets.map((t) => ({
    name: t.name,
    byWorkers: new Map(t.steps.flatMap((s) => {
      const v = stepOverhead(s, mode)?.overhead;
      return typeof v === 'number' ? [[s.load, v] as const] : [];
    })),
  }));
  const out: Crossover[] = [];
  for (const a of curves) {
    for (const b of curves) {
      if (a === b) continue;
      const shared = [...a.byWorkers.keys()].filter((w) => b.byWorkers.has(w)).sort((x, y) => x - y);
      if (shared.length < 2) continue;
      if (a.byWorkers.get(shared[0]!)! > b.byWorkers.get(shared[0]!)!) continue;
      const above = (w: number) => a.byWorkers.get(w)! > b.byWorkers.get(w)! * CROSSOVER_MARGIN;
      const at = shared.find((w, i) => shared.slice(i).every(above));
      if (at !== undefined) {
        out.push({ mode, rising: a.name, other: b.name, workers: at, rising_overhead: a.byWorkers.get(at)!, other_overhead: b.byWorkers.get(at)! });
      }
    }
  }
  return out.sort((x, y) => x.workers - y.workers || x.rising.localeCompare(y.rising));
}
