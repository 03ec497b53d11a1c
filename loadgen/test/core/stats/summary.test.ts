import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aboveFloor, compare, separates, summarize, tieGroups } from '../../../src/core/stats/summary.js';
import { shouldStop, validateStoppingRule } from '../../../src/core/stats/stopping.js';

test('summarize gives the median, its interval, n and the range', () => {
  assert.deepEqual(summarize([10, 1, 9, 2, 8, 3, 7, 4, 6, 5]), { median: 5.5, lo: 2, hi: 9, n: 10, min: 1, max: 10, coverage: 1 - 22 / 1024 });
  const three = summarize([3, 1, 2]);
  assert.deepEqual([three.lo, three.hi, three.coverage], [1, 3, 0.75]);
});

test('compare: a clear change is significant with its percentage, noise is ~', () => {
  const before = [100, 101, 99, 102, 98, 100, 101, 99];
  const after = [110, 111, 109, 112, 108, 110, 111, 109];
  const c = compare(before, after);
  assert.equal(c.significant, true);
  assert.equal(c.delta, 10);
  assert.ok(Math.abs(c.deltaPct! - 0.1) < 1e-12);
  assert.equal(c.symbol, '+10.0%');
  const noise = compare(before, [101, 99, 100, 102, 98, 100, 100, 101]);
  assert.deepEqual([noise.significant, noise.symbol], [false, '~']);
  // Three trials a side can never reach p < 0.05: the comparison says so instead of '~' alone.
  const few = compare([1, 2, 3], [10, 11, 12]);
  assert.equal(few.symbol, '~');
  assert.match(few.note!, /smallest possible p is 0\.100/);
  assert.equal(compare([0, 0, 1], [5, 6, 7]).deltaPct, null);
});

test('separates only non-overlapping intervals', () => {
  assert.equal(separates({ lo: 1, hi: 2 }, { lo: 3, hi: 4 }), true);
  assert.equal(separates({ lo: 3, hi: 4 }, { lo: 1, hi: 2 }), true);
  assert.equal(separates({ lo: 1, hi: 3 }, { lo: 3, hi: 4 }), false);
});

test('tie groups: rows on the same line are tied, a separated row is ranked apart', () => {
  const rows = [
    { name: 'b', s: { median: 480, lo: 470, hi: 495 } },
    { name: 'a', s: { median: 490, lo: 480, hi: 500 } },
    { name: 'c', s: { median: 300, lo: 280, hi: 320 } },
    { name: 'd', s: { median: 465, lo: 455, hi: 482 } },
    { name: 'e', s: { median: 450, lo: 440, hi: 460 } },
  ];
  const names = (g: { name: string }[][]) => g.map((x) => x.map((r) => r.name));
  // e overlaps d but not a (the leader): a chain of overlaps does not tie a to e.
  assert.deepEqual(names(tieGroups(rows, (r) => r.s)), [['a', 'b', 'd'], ['e'], ['c']]);
  assert.deepEqual(names(tieGroups(rows, (r) => r.s, 'lower')), [['c'], ['e', 'd'], ['b', 'a']]);
  assert.deepEqual(tieGroups([], (r: { s: { median: number; lo: number; hi: number } }) => r.s), []);
});

test('stopping: precise once the interval is within precision, else up to max trials', () => {
  const rule = { precision: 0.05, maxTrials: 10 };
  const tight = [100, 101, 99, 100, 102, 98];
  assert.deepEqual(shouldStop(tight, rule).reason, 'precise');
  // Three trials never reach 95% coverage, however tight.
  assert.equal(shouldStop(tight.slice(0, 3), rule).reason, 'more-trials');
  assert.equal(shouldStop(tight.slice(0, 3), { ...rule, maxTrials: 3 }).reason, 'max-trials');
  const wide = [100, 130, 80, 110, 90, 120];
  const d = shouldStop(wide, rule);
  assert.equal(d.reason, 'more-trials');
  assert.ok(Math.abs(d.halfWidth - 25 / 105) < 1e-12);
  assert.equal(shouldStop([...wide, 100, 101, 99, 100], rule).reason, 'max-trials');
  assert.equal(shouldStop([0, 0, 0, 0, 0, 0], rule).reason, 'precise', 'a constant 0 (errors) is precise');
  assert.equal(shouldStop([], rule).stop, false);
  assert.deepEqual(validateStoppingRule({ precision: 5, maxTrials: 0.5 }).length, 2);
  assert.throws(() => shouldStop([1], { precision: 0, maxTrials: 3 }), /precision/);
});

test('a figure counts only above its measured floor; a negative one never does', () => {
  // Bytes per connection: drift with no connections reaches 800 B either way.
  const floor = summarize([-800, 200, 500, -300, 100, 800]);
  assert.equal(aboveFloor(summarize([2100, 2300, 2200, 2250, 2150, 2400]), floor), true);
  assert.equal(aboveFloor(summarize([700, 900, 1200, 650, 1000, 950]), floor), false, 'inside the floor');
  assert.equal(aboveFloor(summarize([-1500, -1400, -1600, -1450, -1550, -1500]), floor), false, 'negative bytes');
  assert.equal(aboveFloor({ lo: 5 }, { hi: -10 }), false, 'a floor of -10 is a spread of 10');
});
