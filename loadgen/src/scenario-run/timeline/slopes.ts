import { trend, type Trend } from '../../core/stats/index.js';
import type { Slope, SlopeMeasure, SlopeVerdict, TimelineSecond } from '../../model/step-timeline.js';

export type { Slope, SlopeMeasure, SlopeVerdict };

// A soak's leak witness: the least-squares slope of RSS, OS threads and open file descriptors
// over the measure phase, per minute. A slope above its bound (and a fit that explains the
// data, r^2) is a Finding named "possible leak"; a window too short to tell says so instead.
// Each slope has a 95% interval (core/stats trend: widened for autocorrelated seconds) and the
// slope of the window's second half, which together give the verdict (slopeVerdict).


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


const perMinute = (v: number) => Math.round(v * 60 * 1000) / 1000;
const ci = (t: Trend | undefined): [number, number] | null => (t?.ci95 ? [perMinute(t.ci95[0]), perMinute(t.ci95[1])] : null);

/**
 * The verdict of one measure, from its slope's interval against the bound: below it whole (no
 * leak), above it whole and still above in the window's second half (leak), above or across it
 * but under it in the second half (levels off: growth that stops, a warm-up, not a leak),
 * otherwise undecided (the interval spans the bound: a longer soak would tell).
 */
export function slopeVerdict(whole: [number, number] | null, late: [number, number] | null, bound: number): SlopeVerdict {
  if (whole && whole[1] < bound) return 'no leak';
  // Over, across or without an interval on the whole window, but under the bound in its second half.
  if (late && late[1] < bound) return 'levels off';
  if (whole && whole[0] > bound && (!late || late[0] > bound)) return 'leak';
  return 'undecided';
}

export function slopesOf(seconds: TimelineSecond[]): Slope[] {
  const measure = seconds.filter((s) => s.phase === 'measure');
  return (Object.keys(LEAK_BOUNDS_PER_MIN) as SlopeMeasure[]).map((m) => {
    const points = measure.filter((s) => s[m] !== null).map((s) => ({ x: s.t_s + s.dur_s / 2, y: s[m] as number }));
    const fit = trend(points);
    const window = points.length >= 2 ? points[points.length - 1]!.x - points[0]!.x : 0;
    const perMin = fit ? fit.slope * 60 : null;
    const judged = fit !== undefined && window >= MIN_WINDOW_S && points.length >= MIN_POINTS;
    const middle = points.length ? (points[0]!.x + points.at(-1)!.x) / 2 : 0;
    const late = judged ? trend(points.filter((p) => p.x >= middle)) : undefined;
    const bound = LEAK_BOUNDS_PER_MIN[m];
    return {
      measure: m,
      per_min: perMin === null ? null : Math.round(perMin * 1000) / 1000,
      r2: fit ? Math.round(fit.r2 * 1000) / 1000 : null,
      points: points.length,
      window_s: Math.round(window),
      first: points[0]?.y ?? null,
      last: points.at(-1)?.y ?? null,
      bound_per_min: bound,
      possible_leak: judged ? perMin! > bound && fit!.r2 >= MIN_R2 : null,
      ...(judged ? {
        ci95_per_min: ci(fit),
        n_eff: Math.round(fit!.nEff * 10) / 10,
        late_per_min: late ? perMinute(late.slope) : null,
        late_ci95_per_min: ci(late),
        verdict: slopeVerdict(ci(fit), ci(late), bound),
      } : {}),
    };
  });
}
