// The spreads a one-trial run (the tour) ranks with are this lab's own measurement: how far one
// trial of the figure landed from its step's median in the committed runs with trials. Each
// constant is that 0.9 quantile rounded up to the next percent, recomputed here from the runs
// in docs/results it names, so a republished run that moves it fails this test until it is updated.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { trialSpread } from '../../src/core/stats/index.js';
import { EFFICIENCY_SINGLE_TRIAL_SPREAD } from '../../src/executors/load-common/findings.js';
import { OVERHEAD_RANK_WORKERS, OVERHEAD_SINGLE_TRIAL_SPREAD } from '../../src/executors/overhead/findings.js';
import { IDLE_SINGLE_TRIAL_SPREAD } from '../../src/executors/idle-connections/findings.js';
import { readResults } from '../../src/results/files.js';
import { REPO_ROOT } from '../helpers/paths.js';

const RESULTS = path.join(REPO_ROOT, 'docs', 'results');

/** Every step's trials' values of one figure, over the runs in these folders (steps on a busy machine left out, as Findings leave them). */
function cells(folders: string[], key: string, minLoad = 0): number[][] {
  return folders.flatMap((f) => readResults(path.join(RESULTS, f)).targets.flatMap((t) => t.steps.filter((s) => !s.busy_machine && s.load >= minLoad).map((s) =>
    (s.trials ?? []).map((x) => x.figures[key]).filter((v): v is number => typeof v === 'number'))));
}

function check(spread: { fraction: number; basis: string }, folders: string[], key: string, minLoad = 0): void {
  const measured = trialSpread(cells(folders, key, minLoad));
  assert.ok(measured !== undefined, `no cell of ${folders.join(', ')} has 3 trials of ${key}`);
  assert.equal(spread.fraction, Math.ceil(measured * 100) / 100, `${key}: measured ${measured.toFixed(4)} over ${folders.join(', ')}`);
  for (const f of folders) assert.ok(spread.basis.includes(`docs/results/${f}`), `the basis names docs/results/${f}: ${spread.basis}`);
}

describe('the spread one trial is ranked with', () => {
  it('req/s per CPU-second: the io-ramp runs with trials', () => check(EFFICIENCY_SINGLE_TRIAL_SPREAD, ['trials/io-ramp', 'trials-repeat/io-ramp'], 'requests_per_cpu_s'));
  it('overhead, per mode: the overhead runs with trials, at the step a ranking reads', () => {
    const runs = ['trials/overhead', 'trials-repeat/overhead', 'trials-fresh/overhead', 'fresh-steps/overhead'];
    check(OVERHEAD_SINGLE_TRIAL_SPREAD.pool, runs, 'overhead.pool', OVERHEAD_RANK_WORKERS);
    check(OVERHEAD_SINGLE_TRIAL_SPREAD.spawn, runs, 'overhead.spawn', OVERHEAD_RANK_WORKERS);
  });
  it('bytes per idle connection: the idle-connections run with every step on a fresh process, at the steps a ranking reads', () => {
    check(IDLE_SINGLE_TRIAL_SPREAD, ['fresh-steps/idle-connections'], 'idle.bytes_per_connection', 1000);
    assert.equal(readResults(path.join(RESULTS, 'fresh-steps/idle-connections')).scenario.fresh_process, 'step');
  });
});
