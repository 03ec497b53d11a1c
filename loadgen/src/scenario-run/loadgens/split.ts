// A step's load split across K generators. Connections are whole: the first (total mod K) get
// one more, so the shares add up exactly. A rate may be fractional: equal shares.

export function splitLoad(total: number, k: number, whole: boolean): number[] {
  if (!Number.isInteger(k) || k < 1) throw new Error(`the number of load generators must be a positive integer, got ${k}`);
  if (!whole) return Array.from({ length: k }, () => total / k);
  if (!Number.isInteger(total) || total < k) {
    throw new Error(`${total} connections cannot be split across ${k} load generators (each needs at least one)`);
  }
  const base = Math.floor(total / k);
  return Array.from({ length: k }, (_, i) => base + (i < total % k ? 1 : 0));
}
