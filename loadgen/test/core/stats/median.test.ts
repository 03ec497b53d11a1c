import assert from 'node:assert/strict';
import { test } from 'node:test';
import { binomialHalfCdf, median, medianInterval, minTrialsFor } from '../../../src/core/stats/median.js';
import { seededRandom } from '../../../src/core/stats/prng.js';

test('median of odd and even counts, order does not matter', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([7]), 7);
  assert.throws(() => median([]), /no values/);
  assert.throws(() => median([1, NaN]), /not a finite number/);
});

test('binomial(n, 1/2) CDF against hand-computed sums', () => {
  assert.equal(binomialHalfCdf(10, 1), 11 / 1024);
  assert.equal(binomialHalfCdf(20, 5), 21700 / 1048576); // 1+20+190+1140+4845+15504
  assert.equal(binomialHalfCdf(5, -1), 0);
  assert.equal(binomialHalfCdf(5, 5), 1);
});

test('the 95% interval on the median uses the textbook order statistics', () => {
  const ten = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
  const i10 = medianInterval(ten);
  // n = 10: x(2)..x(9), coverage 1 - 2 * 11/1024.
  assert.deepEqual(i10.ranks, [2, 9]);
  assert.equal(i10.lo, 2);
  assert.equal(i10.hi, 9);
  assert.equal(i10.coverage, 1 - 22 / 1024);
  assert.equal(i10.reached, true);
  // n = 20: x(6)..x(15), coverage 0.9586.
  const i20 = medianInterval(Array.from({ length: 20 }, (_, i) => i + 1));
  assert.deepEqual([i20.lo, i20.hi], [6, 15]);
  assert.ok(Math.abs(i20.coverage - 0.958611) < 1e-6);
  // n = 6 is the first n where min..max reaches 95% (1 - 2/64); n = 5 cannot (1 - 2/32).
  assert.equal(medianInterval([1, 2, 3, 4, 5, 6]).coverage, 1 - 2 / 64);
  const five = medianInterval([5, 4, 3, 2, 1]);
  assert.deepEqual([five.lo, five.hi, five.reached, five.coverage], [1, 5, false, 1 - 2 / 32]);
  assert.equal(minTrialsFor(0.95), 6);
  assert.equal(minTrialsFor(0.99), 8);
});

test('the interval covers the true median at least 95% of the time (simulation, seeded)', () => {
  // Exponential(1) has median ln 2; skewed like trials on a machine with bursts of load.
  const random = seededRandom(42);
  for (const n of [6, 10, 15, 30]) {
    let covered = 0;
    const reps = 4000;
    for (let r = 0; r < reps; r++) {
      const xs = Array.from({ length: n }, () => -Math.log(1 - random()));
      const { lo, hi } = medianInterval(xs);
      if (lo <= Math.LN2 && Math.LN2 <= hi) covered++;
    }
    const expected = medianInterval(Array.from({ length: n }, (_, i) => i)).coverage;
    // Within 4 standard errors of the exact coverage the binomial argument promises.
    const se = Math.sqrt((expected * (1 - expected)) / reps);
    assert.ok(Math.abs(covered / reps - expected) < 4 * se, `n=${n}: covered ${covered / reps}, expected ${expected}`);
    assert.ok(expected >= 0.95);
  }
});
