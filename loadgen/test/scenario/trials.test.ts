import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseScenarioText } from '../../src/scenario/load.js';
import { parsePrecision, parseTrials, stoppingRule, TRIALS_DEFAULTS } from '../../src/model/trials.js';
import { describePlan, planRun } from '../../src/scenario-run/trials/plan.js';
import { withTrialFlags } from '../../src/scenario-run/run-scenario.js';
import { scenarioProblems } from '../helpers/scenario-problems.js';
import { runLab } from '../helpers/processes.js';

// A scenario's trials keys (issue 18): defaults in one place, clear errors, the flags' override,
// and the planned time `lab run` prints.

const BASE = 'name: t\nexecutor: connections-sweep\nsteps: [1, 10]\nduration: 2s\nwarmup: 1s\ncooldown: 1s\n';

describe('scenario trials', () => {
  it('defaults: one trial, 5%, busy steps left out of findings', () => {
    const s = parseScenarioText(BASE);
    assert.deepEqual(s.trials, { trials: TRIALS_DEFAULTS.trials, precision: 0.05, allowBusy: false, freshProcess: false });
  });

  it('reads trials, precision as a percent or a fraction, allow_busy', () => {
    assert.deepEqual(parseScenarioText(`${BASE}trials: 5\nprecision: 2.5%\nallow_busy: true\n`).trials, { trials: 5, precision: 0.025, allowBusy: true, freshProcess: false });
    assert.equal(parseScenarioText(`${BASE}precision: 0.1\n`).trials.precision, 0.1);
    assert.equal(parsePrecision('5%'), 0.05);
    assert.equal(parseTrials('4'), 4);
  });

  it('bad values: one clear message each, all at once', () => {
    assert.deepEqual(scenarioProblems(`${BASE}trials: 0\nprecision: 150%\nallow_busy: maybe\nfresh_process: 1\n`), [
      'trials: must be a whole number of trials >= 1 (got 0)',
      'precision: must be above 0 and below 100% (got 150%)',
      'allow_busy: must be true or false',
      'fresh_process: must be true (= round), false, round or step (got 1)',
    ]);
    assert.deepEqual(scenarioProblems(`${BASE}trials: 2.5\nprecision: fast\n`), [
      'trials: must be a whole number of trials >= 1 (got 2.5)',
      "precision: 'fast' is not a precision; use e.g. 5% or 0.05",
    ]);
    assert.match(scenarioProblems(`${BASE}trials: 500\n`)[0]!, /^trials: must be at most 50/);
  });

  it('at least 3 trials when 3 or more are allowed', () => {
    assert.deepEqual(stoppingRule({ trials: 10, precision: 0.05 }), { precision: 0.05, maxTrials: 10, minTrials: 3 });
    assert.deepEqual(stoppingRule({ trials: 2, precision: 0.05 }), { precision: 0.05, maxTrials: 2, minTrials: 2 });
  });

  it('lab run flags override the scenario', () => {
    const s = withTrialFlags(parseScenarioText(`${BASE}trials: 5\n`), { precision: 0.1, allowBusy: true });
    assert.deepEqual(s.trials, { trials: 5, precision: 0.1, allowBusy: true, freshProcess: false });
    // The flags leave what they do not set: a scenario's fresh_process survives --trials.
    assert.equal(withTrialFlags(parseScenarioText(`${BASE}fresh_process: true\n`), { trials: 2 }).trials.freshProcess, 'round');
    // true is a round; step restarts before every step; anything else is refused with what it may be.
    assert.equal(parseScenarioText(`${BASE}fresh_process: round\n`).trials.freshProcess, 'round');
    assert.equal(parseScenarioText(`${BASE}fresh_process: step\n`).trials.freshProcess, 'step');
    assert.equal(parseScenarioText(`${BASE}fresh_process: false\n`).trials.freshProcess, false);
    assert.deepEqual(scenarioProblems(`${BASE}fresh_process: steps\n`), ['fresh_process: must be true (= round), false, round or step (got "steps")']);
  });

  it('the planned time: steps x rows x trials, each its phases and set-up', () => {
    const s = parseScenarioText(`${BASE}trials: 3\n`);
    const p = planRun(s, 4);
    // Per step: 1 s warmup + 2 s measure + 1 s cooldown + 1 s set-up = 5 s; 2 steps, 4 rows, 3 trials.
    assert.equal(p.totalS, 5 * 2 * 4 * 3);
    // Below 6 trials no interval reaches 95%: every step gets all 3, nothing "fewer" to promise.
    assert.equal(describePlan(p, 0.05), 'planned: 2 steps x 4 rows x up to 3 trials, about 2.0 min');
    assert.equal(describePlan(planRun(parseScenarioText(`${BASE}trials: 8\n`), 1), 0.05), 'planned: 2 steps x 1 row x up to 8 trials, about 80 s (fewer when a step\'s figures are within 5% sooner)');
    const o = planRun(parseScenarioText('name: o\nexecutor: overhead\nsteps: [10]\nduration: 1s\noverhead: { tasks: 1000, sleep_ms: 10, modes: [pool, spawn] }\n'), 1);
    // Overhead: its ideal time per mode (1000 x 10 ms / 10 workers = 1 s) x 2 modes x 1.25, + 1 s set-up.
    assert.equal(o.totalS, 2 * 1 * 1.25 + 1);
    // A restart (3 s) per row per round, or per step.
    assert.equal(planRun(parseScenarioText(`${BASE}trials: 3\nfresh_process: true\n`), 4).totalS, (5 * 2 + 3) * 4 * 3);
    assert.equal(planRun(parseScenarioText(`${BASE}trials: 3\nfresh_process: step\n`), 4).totalS, (5 * 2 + 3 * 2) * 4 * 3);
  });

  it('lab run refuses bad --trials and --precision before anything starts (exit 2)', async () => {
    const trials = await runLab(['run', 'quick', '--trials', '0'], { ...process.env, LAB_PORT_OFFSET: '1' }, 30_000);
    assert.equal(trials.code, 2, trials.stderr);
    assert.match(trials.stderr, /--trials must be a whole number of trials >= 1 \(got "0"\)/);
    const precision = await runLab(['run', 'quick', '--precision', 'tight'], { ...process.env, LAB_PORT_OFFSET: '1' }, 30_000);
    assert.equal(precision.code, 2, precision.stderr);
    assert.match(precision.stderr, /--precision: 'tight' is not a precision; use e\.g\. 5% or 0\.05/);
  });
});
