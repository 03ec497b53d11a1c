import { median, sorted } from './median.js';
import { seededRandom } from './prng.js';

// Percentile bootstrap (criterion's way) for a statistic of the trials: resample with
// replacement, take the statistic, read the interval off the middle `confidence` of those.
// Deterministic: the seed fixes every resample. With few trials it covers less than it says
// (resampled medians never leave min..max); medianInterval is the one to publish below ~10.

export interface BootstrapOptions {
  confidence?: number;
  resamples?: number;
  seed?: number;
  statistic?: (values: readonly number[]) => number;
}

export const BOOTSTRAP_DEFAULTS = { confidence: 0.95, resamples: 2000, seed: 1 } as const;

export function bootstrapInterval(values: readonly number[], opts: BootstrapOptions = {}): { lo: number; hi: number; n: number } {
  const confidence = opts.confidence ?? BOOTSTRAP_DEFAULTS.confidence;
  const resamples = opts.resamples ?? BOOTSTRAP_DEFAULTS.resamples;
  const statistic = opts.statistic ?? median;
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  if (!(Number.isInteger(resamples) && resamples >= 10)) throw new RangeError(`resamples must be an integer >= 10, got ${resamples}`);
  const data = sorted(values);
  if (data.length === 0) throw new RangeError('bootstrap of no values');
  const random = seededRandom(opts.seed ?? BOOTSTRAP_DEFAULTS.seed);
  const stats: number[] = [];
  const sample = new Array<number>(data.length);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < data.length; i++) sample[i] = data[Math.floor(random() * data.length)]!;
    stats.push(statistic(sample));
  }
  stats.sort((a, b) => a - b);
  const tail = (1 - confidence) / 2;
  const at = (q: number) => stats[Math.min(resamples - 1, Math.max(0, Math.round(q * (resamples - 1))))]!;
  return { lo: at(tail), hi: at(1 - tail), n: data.length };
}
