// lab / wrk latency (issue 18, "latency you can defend"): two clients on the same step should
// agree on p50 and p99 within a factor; beyond it one of them is not measuring what the other
// does (a timeout left out of a histogram, a queue one of them never sees).

/** A latency percentile that differs more than this factor (either way) between lab and wrk is flagged. */
export const CROSS_CHECK_LATENCY_FACTOR = 2;

type Percentiles = { p50: number | null; p99: number | null };

/** lab / wrk of p50 and p99 (also for runs written before the cross-check stored them). */
export function latencyRatios(lab: Percentiles, wrk: Percentiles): Percentiles {
  return { p50: over(lab.p50, wrk.p50), p99: over(lab.p99, wrk.p99) };
}

/** A percentile more than CROSS_CHECK_LATENCY_FACTOR apart, either way. */
export function latencyApart(r: Percentiles): boolean {
  const far = (x: number | null) => x !== null && (x > CROSS_CHECK_LATENCY_FACTOR || x < 1 / CROSS_CHECK_LATENCY_FACTOR);
  return far(r.p50) || far(r.p99);
}

function over(a: number | null, b: number | null): number | null {
  return a === null || b === null || !(b > 0) ? null : Math.round((a / b) * 1000) / 1000;
}

