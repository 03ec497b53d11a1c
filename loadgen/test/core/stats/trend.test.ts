import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom, tQuantile975, trend } from '../../../src/core/stats/index.js';

// The slope interval of a soak's leak witness: it must cover the true slope about 95% of the
// time, for independent noise and for the autocorrelated noise a timeline really has (where
// the plain least-squares interval covers it far less often).

/** Standard normal from a uniform source (Box-Muller). */
function gauss(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function coverage(rho: number, series: number, n: number, seed: number): number {
  const random = seededRandom(seed);
  const slope = 0.5;
  let covered = 0;
  for (let k = 0; k < series; k++) {
    let e = 0;
    const points = Array.from({ length: n }, (_, x) => {
      e = rho * e + Math.sqrt(1 - rho * rho) * gauss(random) * 10;
      return { x, y: 100 + slope * x + e };
    });
    const t = trend(points)!;
    if (t.ci95 && t.ci95[0] <= slope && slope <= t.ci95[1]) covered++;
  }
  return covered / series;
}

describe('trend', () => {
  it('fits a line exactly and has Student\'s t where few points are independent', () => {
    const t = trend([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 5 }])!;
    assert.equal(t.slope, 2);
    assert.equal(t.intercept, 1);
    assert.equal(t.r2, 1);
    assert.equal(tQuantile975(1), 12.706);
    assert.equal(tQuantile975(10), 2.228);
    assert.equal(tQuantile975(1000), 1.96);
    assert.equal(trend([{ x: 1, y: 1 }, { x: 1, y: 2 }]), undefined, 'no line through one x');
  });

  it('covers the true slope about 95% of the time with independent noise', () => {
    const c = coverage(0, 400, 200, 1);
    assert.ok(c >= 0.91 && c <= 0.99, `coverage ${c}`);
  });

  it('still covers it with strongly autocorrelated noise (AR(1), rho 0.9), where the plain interval would not', () => {
    const c = coverage(0.9, 400, 600, 2);
    assert.ok(c >= 0.85, `coverage ${c}`);
    const random = seededRandom(3);
    let e = 0;
    const t = trend(Array.from({ length: 600 }, (_, x) => ({ x, y: (e = 0.9 * e + gauss(random)) })))!;
    assert.ok(t.r1 > 0.8 && t.nEff < 70, `r1 ${t.r1}, n_eff ${t.nEff}`);
  });
});
