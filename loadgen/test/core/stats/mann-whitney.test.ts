import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mannWhitney, smallestPossibleP } from '../../../src/core/stats/mann-whitney.js';
import { erfc, normalCdf } from '../../../src/core/stats/normal.js';
import { seededRandom } from '../../../src/core/stats/prng.js';

const close = (got: number, want: number, rel = 1e-9) => assert.ok(Math.abs(got - want) <= rel * Math.abs(want) + 1e-15, `got ${got}, want ${want}`);

test('erfc and the normal CDF against published values', () => {
  close(erfc(0), 1);
  close(erfc(0.5), 0.4795001221869535);
  close(erfc(1), 0.15729920705028513);
  close(erfc(2), 0.004677734981047266);
  close(erfc(3), 2.209049699858544e-5);
  close(erfc(5), 1.5374597944280349e-12);
  close(erfc(-1), 1.8427007929497148);
  close(normalCdf(1.959963984540054), 0.975);
});

// The values benchstat's own tests check (golang.org/x/perf internal/stats/utest_test.go).
const s1 = [2, 1, 3, 5];
const s2 = [12, 11, 13, 15];
const s3 = [0, 4, 6, 7];
const s4 = [2, 2, 2, 2];

test('small samples: exact p-values as benchstat', () => {
  const r = mannWhitney(s1, s2);
  assert.deepEqual([r.u, r.method], [0, 'exact']);
  close(r.p, 0.028571428571428577);
  assert.equal(mannWhitney(s2, s1).u, 16);
  close(mannWhitney(s2, s1).p, 0.028571428571428577);
  const r3 = mannWhitney(s1, s3);
  assert.equal(r3.u, 5);
  close(r3.p, 0.48571428571428577);
  assert.deepEqual([mannWhitney(s1, s1).u, mannWhitney(s1, s1).p], [8, 1]);
  const r4 = mannWhitney(s1, s4); // ties
  assert.equal(r4.u, 10);
  close(r4.p, 0.7142857142857143);
  assert.equal(mannWhitney(s4, s4).p, 1, 'all equal: nothing to tell apart');
});

test('large samples: normal approximation with tie and continuity correction, as benchstat (and R wilcox.test)', () => {
  const l1 = Array.from({ length: 500 }, (_, i) => i * 2);
  const l2 = Array.from({ length: 600 }, (_, i) => i * 2 - 41);
  const l3 = [...l2];
  for (let i = 0; i < 30; i++) l3[i] = l1[i]!;
  const a = mannWhitney(l1, l2);
  assert.deepEqual([a.u, a.method], [135250, 'normal']);
  close(a.p, 0.0049335360814172224, 1e-7);
  const b = mannWhitney(l1, l3);
  assert.equal(b.u, 134845);
  close(b.p, 0.0038703814239617884, 1e-7);
  assert.equal(mannWhitney(l1, l1).p, 1);
});

/** Every split of the pooled values into groups of n1 and n2: the definition of the exact test. */
function bruteForceP(a: number[], b: number[]): number {
  const pooled = [...a, ...b];
  const u = (x: number[], y: number[]) => x.reduce((s, xi) => s + y.reduce((t, yj) => t + (xi > yj ? 1 : xi === yj ? 0.5 : 0), 0), 0);
  const centre = (a.length * b.length) / 2;
  const observed = Math.abs(u(a, b) - centre);
  let extreme = 0;
  let total = 0;
  for (let mask = 0; mask < 1 << pooled.length; mask++) {
    let bits = 0;
    for (let m = mask; m; m &= m - 1) bits++;
    if (bits !== a.length) continue;
    const x = pooled.filter((_, i) => mask & (1 << i));
    const y = pooled.filter((_, i) => !(mask & (1 << i)));
    total++;
    if (Math.abs(u(x, y) - centre) >= observed - 1e-9) extreme++;
  }
  return extreme / total;
}

test('with ties, the exact p equals a count over every split (property, seeded)', () => {
  const random = seededRandom(11);
  for (let k = 0; k < 60; k++) {
    const n1 = 1 + Math.floor(random() * 6);
    const n2 = 1 + Math.floor(random() * 6);
    const draw = () => Math.floor(random() * 4); // few distinct values: many ties
    const a = Array.from({ length: n1 }, draw);
    const b = Array.from({ length: n2 }, draw);
    close(mannWhitney(a, b).p, bruteForceP(a, b), 1e-12);
  }
  // benchstat's doubling says p = 0 here; the split count says otherwise.
  close(mannWhitney([1, 2, 3, 5], [1, 1, 1, 1, 1]).p, bruteForceP([1, 2, 3, 5], [1, 1, 1, 1, 1]));
});

test('the smallest possible p says when trials are too few to find anything', () => {
  close(smallestPossibleP(3, 3), 0.1);
  close(smallestPossibleP(5, 5), 2 / 252);
  close(mannWhitney([1, 2, 3], [4, 5, 6]).p, 0.1);
  assert.throws(() => mannWhitney([], [1]), /both sides/);
});
