import assert from 'node:assert/strict';
import { test } from 'node:test';
import { benjaminiHochberg, mannWhitney } from '../../../src/core/stats/index.js';

// Benjamini-Hochberg adjusted p-values against R's p.adjust(p, "BH"), worked by hand here, and
// the property lab compare relies on: a lone chance p among many figures is not flagged, a
// change that moves many figures is.

const close = (actual: number[], expected: number[]) =>
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-12, `[${i}] ${v} against ${expected[i]}`));

test('adjusted p-values keep the input order: p x m / rank, then the running minimum from the largest', () => {
  // Ranked 0.005, 0.01, 0.03, 0.04: x4/1 = 0.02, x4/2 = 0.02, x4/3 = 0.04, x4/4 = 0.04.
  close(benjaminiHochberg([0.01, 0.04, 0.03, 0.005]), [0.02, 0.04, 0.04, 0.02]);
  // 0.04 x 2 / 1 = 0.08 would exceed the larger p's 0.045 x 2 / 2: the running minimum keeps it at 0.045.
  close(benjaminiHochberg([0.04, 0.045]), [0.045, 0.045]);
  close(benjaminiHochberg([0.9, 1]), [1, 1]);
  close(benjaminiHochberg([0.3]), [0.3]);
  assert.deepEqual(benjaminiHochberg([]), []);
  assert.throws(() => benjaminiHochberg([0.2, Number.NaN]), /not a p-value: NaN/);
  assert.throws(() => benjaminiHochberg([1.5]), /not a p-value: 1.5/);
});

test('among 80 figures, one p of 0.008 (the smallest 5 trials a side can give) is not a discovery; 20 of them are', () => {
  const lone = mannWhitney([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]).p;
  assert.ok(lone < 0.01, String(lone));
  const nulls = Array.from({ length: 79 }, (_, i) => 0.05 + (0.95 * (i + 1)) / 79);
  assert.ok(benjaminiHochberg([lone, ...nulls])[0]! > 0.05, 'a lone p of 0.008 among 80: chance gives one in that many');
  const moved = [...Array.from({ length: 20 }, () => lone), ...nulls.slice(0, 60)];
  const q = benjaminiHochberg(moved);
  assert.ok(q.slice(0, 20).every((v) => v < 0.05), `20 figures that all moved: ${q[0]}`);
  assert.ok(q.slice(20).every((v) => v >= 0.05));
});
