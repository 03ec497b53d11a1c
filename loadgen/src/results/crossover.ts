import type { RunResults } from './types.js';

/**
 * Where the overhead curves of two rows cross. For rows A and B measured at the same worker
 * counts, A "crosses" B at C when A's overhead was at most B's at the smallest shared worker
 * count and C is the first worker count at which A's overhead is greater than B's. Example:
 * threads are as cheap as greenlets with 1 worker but cost more from C = 100 on.
 */
export interface Crossover {
  /** The row that starts cheaper (or equal) and ends up dearer. */
  rising: string;
  /** The row it overtakes. */
  other: string;
  workers: number;
  rising_overhead: number;
  other_overhead: number;
}

export function overheadCrossovers(r: RunResults): Crossover[] {
  const curves = r.targets.map((t) => ({
    name: t.name,
    byWorkers: new Map(t.steps.filter((s) => s.overhead).map((s) => [s.load, s.overhead!.overhead])),
  }));
  const out: Crossover[] = [];
  for (const a of curves) {
    for (const b of curves) {
      if (a === b) continue;
      const shared = [...a.byWorkers.keys()].filter((w) => b.byWorkers.has(w)).sort((x, y) => x - y);
      if (shared.length < 2) continue;
      if (a.byWorkers.get(shared[0]!)! > b.byWorkers.get(shared[0]!)!) continue;
      const at = shared.find((w) => a.byWorkers.get(w)! > b.byWorkers.get(w)!);
      if (at !== undefined) {
        out.push({ rising: a.name, other: b.name, workers: at, rising_overhead: a.byWorkers.get(at)!, other_overhead: b.byWorkers.get(at)! });
      }
    }
  }
  return out.sort((x, y) => x.workers - y.workers || x.rising.localeCompare(y.rising));
}
