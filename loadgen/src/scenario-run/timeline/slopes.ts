import type { Slope, SlopeMeasure, TimelineSecond } from '../../model/story.js';

export type { Slope, SlopeMeasure };

// A soak's leak witness: the least-squares slope of RSS, OS threads and open file descriptors
// over the measure phase, per minute. A slope above its bound (and a fit that explains the
// data, r^2) is a Finding named "possible leak"; a window too short to tell says so instead.


/** Growth per minute above which a steady load is suspected of leaking. */
export const LEAK_BOUNDS_PER_MIN: Record<SlopeMeasure, number> = {
  rss_bytes: 1024 * 1024, // 1 MiB a minute: ~1.4 GiB a day
  threads: 0.5,
  open_fds: 0.5,
};
/** Below this window, or with fewer points, no verdict. */
export const MIN_WINDOW_S = 60;
const MIN_POINTS = 10;
/** A trend must explain at least this much of the variance to count (a sawtooth GC is not a leak). */
const MIN_R2 = 0.5;


export function leastSquares(points: { x: number; y: number }[]): { slope: number; intercept: number; r2: number } | undefined {
  const n = points.length;
  if (n < 2) return undefined;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const p of points) {
    sxx += (p.x - mx) ** 2;
    sxy += (p.x - mx) * (p.y - my);
    syy += (p.y - my) ** 2;
  }
  if (sxx === 0) return undefined;
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}

export function slopesOf(seconds: TimelineSecond[]): Slope[] {
  const measure = seconds.filter((s) => s.phase === 'measure');
  return (Object.keys(LEAK_BOUNDS_PER_MIN) as SlopeMeasure[]).map((m) => {
    const points = measure.filter((s) => s[m] !== null).map((s) => ({ x: s.t_s + s.dur_s / 2, y: s[m] as number }));
    const fit = leastSquares(points);
    const window = points.length >= 2 ? points[points.length - 1]!.x - points[0]!.x : 0;
    const perMin = fit ? fit.slope * 60 : null;
    const judged = fit !== undefined && window >= MIN_WINDOW_S && points.length >= MIN_POINTS;
    return {
      measure: m,
      per_min: perMin === null ? null : Math.round(perMin * 1000) / 1000,
      r2: fit ? Math.round(fit.r2 * 1000) / 1000 : null,
      points: points.length,
      window_s: Math.round(window),
      first: points[0]?.y ?? null,
      last: points.at(-1)?.y ?? null,
      bound_per_min: LEAK_BOUNDS_PER_MIN[m],
      possible_leak: judged ? perMin! > LEAK_BOUNDS_PER_MIN[m] && fit!.r2 >= MIN_R2 : null,
    };
  });
}
