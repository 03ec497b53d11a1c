import { median, medianInterval, minTrialsFor } from './median.js';

// When to stop repeating a step, the way hyperfine and criterion decide how long to measure:
// once the median's 95% interval lies within `precision` of the median on both sides, or when
// `maxTrials` are done (then the figure is published with the wider interval it has).

export interface StoppingRule {
  /** Largest half-width of the interval, relative to the median (0.05: within +-5%). */
  precision: number;
  maxTrials: number;
  /** Never stop before this many (default: the fewest for which the interval reaches 95%, 6). */
  minTrials?: number;
  confidence?: number;
}

export interface StoppingDecision {
  stop: boolean;
  reason: 'precise' | 'max-trials' | 'more-trials';
  /** max(median - lo, hi - median) / |median|; Infinity when the median is 0 and the interval is not a point. */
  halfWidth: number;
  /** The interval's real coverage at this n. */
  coverage: number;
}

export function validateStoppingRule(rule: StoppingRule): string[] {
  const problems: string[] = [];
  if (!(rule.precision > 0 && rule.precision < 1)) problems.push(`precision must be above 0 and below 1 (0.05 is 5%), got ${rule.precision}`);
  if (!(Number.isInteger(rule.maxTrials) && rule.maxTrials >= 1)) problems.push(`trials must be a whole number >= 1, got ${rule.maxTrials}`);
  if (rule.minTrials !== undefined && !(Number.isInteger(rule.minTrials) && rule.minTrials >= 1)) problems.push(`minimum trials must be a whole number >= 1, got ${rule.minTrials}`);
  return problems;
}

export function shouldStop(values: readonly number[], rule: StoppingRule): StoppingDecision {
  const problems = validateStoppingRule(rule);
  if (problems.length) throw new RangeError(problems.join('; '));
  const confidence = rule.confidence ?? 0.95;
  const n = values.length;
  if (n === 0) return { stop: false, reason: 'more-trials', halfWidth: Infinity, coverage: 0 };
  const m = median(values);
  const interval = medianInterval(values, confidence);
  const spread = Math.max(m - interval.lo, interval.hi - m);
  const halfWidth = spread === 0 ? 0 : m === 0 ? Infinity : spread / Math.abs(m);
  const minTrials = Math.min(rule.maxTrials, rule.minTrials ?? minTrialsFor(confidence));
  if (n >= minTrials && interval.reached && halfWidth <= rule.precision) return { stop: true, reason: 'precise', halfWidth, coverage: interval.coverage };
  if (n >= rule.maxTrials) return { stop: true, reason: 'max-trials', halfWidth, coverage: interval.coverage };
  return { stop: false, reason: 'more-trials', halfWidth, coverage: interval.coverage };
}
