import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { overheadCrossovers } from '../../src/executors/overhead/crossover.js';
import { resultsToMarkdown } from '../../src/report/summary.js';
import { evaluateThresholds } from '../../src/results/verdict.js';
import { fixtureOverhead, fixtureResults } from '../results/fixture.js';

describe('summary.md', () => {
  it('shows the verdict and the load table of each target', () => {
    const md = resultsToMarkdown(fixtureResults(), evaluateThresholds(fixtureResults()));
    assert.match(md, /FAIL `p99 < 2s`/);
    assert.match(md, /\| 100 \| 1400 \| 700\.0 \| 1000\.0 \| 0\.70 \|/);
  });

  it('overhead crossover: the worker count from which a cheaper row stays dearer (noise does not count), per mode', () => {
    // pool: threads 1.01/1.05/1.9 vs greenlets 1.02/1.04/1.1: 1.05 > 1.04 at 10 workers is within the 10% margin.
    // spawn: greenlets 1.05/1.8/4.0 vs threads 1.1/1.5/2.5: greenlets start cheaper, dearer from 10 on.
    const xs = overheadCrossovers(fixtureOverhead());
    assert.deepEqual(xs.map((x) => [x.mode, x.rising, x.other, x.workers]), [['pool', 'python-threads', 'gevent-explicit', 100], ['spawn', 'gevent-explicit', 'python-threads', 10]]);
    const md = resultsToMarkdown(fixtureOverhead(), []);
    const pool = md.slice(md.indexOf('### pool mode'), md.indexOf('### spawn mode'));
    const spawn = md.slice(md.indexOf('### spawn mode'));
    assert.match(pool, /python-threads crosses gevent-explicit at 100 workers \(1\.90x vs 1\.10x\)/);
    assert.match(pool, /\| 100 \| 1\.90x \| 1\.10x \|/);
    assert.match(spawn, /gevent-explicit crosses python-threads at 10 workers \(1\.80x vs 1\.50x\)/);
    assert.ok(!spawn.includes('python-threads crosses'));
    // A step table per mode in each target's section.
    assert.match(md, /## python-threads[\s\S]*\*\*pool\*\* \(C long-lived workers[\s\S]*\| 100 \| 100 \| 5 \| [\d.]+ \| 0\.005 \| 1\.90x \|[\s\S]*\*\*spawn\*\*[\s\S]*\| 100 \| 100 \| 5 \| [\d.]+ \| 0\.005 \| 2\.50x \|/);
  });
});
