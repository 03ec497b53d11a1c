import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bootstrapInterval } from '../../../src/core/stats/bootstrap.js';
import { seededRandom } from '../../../src/core/stats/prng.js';

const VALUES = [101, 98, 103, 99, 97, 120, 100, 102, 96, 99, 101, 104];

test('the bootstrap is deterministic for a seed and moves with it', () => {
  const a = bootstrapInterval(VALUES, { seed: 7 });
  assert.deepEqual(bootstrapInterval(VALUES, { seed: 7 }), a);
  const others = [1, 2, 3, 4, 5].map((seed) => bootstrapInterval(VALUES, { seed, resamples: 50 }));
  assert.ok(new Set(others.map((o) => `${o.lo},${o.hi}`)).size > 1, 'different seeds draw different resamples');
});

test('the bootstrap interval holds the median and stays within min..max', () => {
  const { lo, hi, n } = bootstrapInterval(VALUES);
  assert.equal(n, VALUES.length);
  assert.ok(lo <= 100.5 && 100.5 <= hi, `${lo}..${hi}`);
  assert.ok(lo >= 96 && hi <= 120);
  // A mean's interval is pulled towards the outlier, the median's is not.
  const mean = bootstrapInterval(VALUES, { statistic: (xs) => xs.reduce((s, x) => s + x, 0) / xs.length });
  assert.ok(mean.hi > hi - 1);
});

test('the bootstrap interval of a mean of normal draws is close to the textbook +-1.96 sigma/sqrt(n)', () => {
  const random = seededRandom(3);
  // Box-Muller, sigma 1, n 400: the mean's 95% half-width is 1.96/20 = 0.098.
  const xs = Array.from({ length: 400 }, () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
  const mean = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const { lo, hi } = bootstrapInterval(xs, { statistic: mean, resamples: 4000 });
  assert.ok(Math.abs((hi - lo) / 2 - 0.098) < 0.015, `half-width ${(hi - lo) / 2}`);
});

test('bad options are refused with the reason', () => {
  assert.throws(() => bootstrapInterval([], {}), /no values/);
  assert.throws(() => bootstrapInterval([1], { confidence: 95 }), /confidence/);
  assert.throws(() => bootstrapInterval([1], { resamples: 2 }), /resamples/);
});
