// Many figures compared at once: at p < 0.05 one in twenty changes is "significant" by chance
// alone (two identical runs of 80 figures flag about 4). The Benjamini-Hochberg procedure
// bounds the expected share of false discoveries among the flagged changes instead (the
// false discovery rate): a lone fluke among many figures is no longer flagged, while a real
// change, which moves several figures together, still is. R's p.adjust(p, "BH").

/**
 * Benjamini-Hochberg adjusted p-values, in the order given: the k-th smallest of m p-values
 * becomes min over j >= k of p_(j) * m / j, capped at 1. A change is a discovery at false
 * discovery rate q when its adjusted p is below q.
 */
export function benjaminiHochberg(ps: readonly number[]): number[] {
  const m = ps.length;
  for (const p of ps) if (!(p >= 0 && p <= 1)) throw new RangeError(`not a p-value: ${p}`);
  const order = ps.map((p, i) => ({ p, i })).sort((x, y) => x.p - y.p);
  const adjusted = new Array<number>(m);
  let running = 1;
  for (let k = m - 1; k >= 0; k--) {
    running = Math.min(running, (order[k]!.p * m) / (k + 1));
    adjusted[order[k]!.i] = running;
  }
  return adjusted;
}
