// A step's load split across K generators. Connections are whole: the first (total mod K) get
// one more, so the shares add up exactly. A rate may be fractional: equal shares.

export function splitLoad(total: number, k: number, whole: boolean): number[] {
  if (!Number.isInteger(k) || k < 1) throw new Error(`the number of load generators must be a positive integer, got ${k}`);
  if (!whole) return Array.from({ length: k }, () => total / k);
  if (!Number.isInteger(total) || total < 0 || (total < k && k > 1)) {
    throw new Error(`${total} connections cannot be split across ${k} load generators (each needs at least one)`);
  }
  const base = Math.floor(total / k);
  return Array.from({ length: k }, (_, i) => base + (i < total % k ? 1 : 0));
}

/**
 * How many of K generators a step uses: a connection is whole, so a step of n < K connections
 * runs on n generators (one for an empty step); a rate splits into any number of shares.
 * With the note the step carries, or undefined when all K are used.
 */
export function generatorsForStep(total: number, k: number, whole: boolean): { k: number; note?: string } {
  if (!whole || !Number.isInteger(total) || total >= k) return { k };
  const used = Math.max(1, total);
  return { k: used, note: `--loadgens ${k}: a step of ${total} connection${total === 1 ? '' : 's'} runs on ${used} load generator${used === 1 ? '' : 's'} (a connection cannot be split)` };
}
