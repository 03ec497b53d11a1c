// A least-squares trend with an honest 95% interval for its slope. A timeline's seconds are not
// independent (RSS at one second is RSS at the next, give or take): the plain standard error
// of a slope over 1,800 autocorrelated points is far too narrow. The interval here widens it by
// the residuals' lag-1 autocorrelation r1, with the effective sample size
// n_eff = n (1 - r1) / (1 + r1) (an AR(1) correction, as climate trend analysis uses: Santer et
// al. 2000), and takes Student's t at n_eff - 2 degrees of freedom.

/** Student's t, two-sided 95% (the 0.975 quantile), for 1 to 30 degrees of freedom; beyond, the normal's. */
const T_975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/** The 0.975 quantile of Student's t with `df` degrees of freedom (rounded down to a whole number; at least 1). */
export function tQuantile975(df: number): number {
  const d = Math.max(1, Math.floor(df));
  return d <= T_975.length ? T_975[d - 1]! : 1.96;
}

export interface Trend {
  slope: number;
  intercept: number;
  r2: number;
  /** The slope's 95% interval, widened for autocorrelated residuals; undefined when the points cannot give one. */
  ci95?: [number, number];
  /** The residuals' lag-1 autocorrelation (clamped at 0 below) and the sample size it leaves. */
  r1: number;
  nEff: number;
}

/** Least squares of y on x over points in x order. */
export function trend(points: readonly { x: number; y: number }[]): Trend | undefined {
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
  const intercept = my - slope * mx;
  const residuals = points.map((p) => p.y - (intercept + slope * p.x));
  const sse = residuals.reduce((a, e) => a + e * e, 0);
  let lagged = 0;
  for (let i = 1; i < n; i++) lagged += residuals[i]! * residuals[i - 1]!;
  const r1 = sse > 0 ? Math.min(0.999, Math.max(0, lagged / sse)) : 0;
  const nEff = (n * (1 - r1)) / (1 + r1);
  let ci95: [number, number] | undefined;
  if (n > 2 && nEff > 3) {
    const se = Math.sqrt(sse / (n - 2) / sxx) * Math.sqrt((n - 2) / (nEff - 2));
    const half = tQuantile975(nEff - 2) * se;
    ci95 = [slope - half, slope + half];
  }
  return { slope, intercept, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy), ci95, r1, nEff };
}
