import { executorFor, STEP_PLUGINS } from '../../executors/registry.js';
import { plannedPhases, type PhaseSeconds } from '../../executors/common/executor.js';
import type { Scenario } from '../../model/scenario.js';
import { minTrialsFor } from '../../core/stats/index.js';

// The run's planned time, printed by `lab run` before it starts (issue 18): every target x step
// x the most trials, each trial its warmup, measure (the executor's own estimate when it has
// one: overhead's ideal time per mode), cooldown, the step plugins' phases, and a setup
// allowance (connections, the server's first and last samples). Trials that stop early (a
// precise step) make the real run shorter; a slow row makes it longer.

/** Seconds each step costs above its phases: opening connections, the server's first and last sample, closing. */
export const STEP_SETUP_S = 1;
/** A row's restart for `fresh_process` (before each round, or each step): stop, start, healthy (local rows 0.3-2 s, a JVM or a container more). */
export const FRESH_PROCESS_S = 3;

export interface RunPlan {
  targets: number;
  steps: number;
  trials: number;
  /** One trial of every step of one target. */
  perTargetTrialS: number;
  /** The whole run at the most trials. */
  totalS: number;
}

export function planRun(s: Scenario, targets: number): RunPlan {
  const executor = executorFor(s.executor);
  const plugins = STEP_PLUGINS.filter((p) => p.enabled(s) && executor.stepPlugins?.includes(p.name));
  const perStep = (load: number) => sumOf(plannedPhases(executor, s, load))
    + s.cooldownS + STEP_SETUP_S + plugins.reduce((sum, p) => sum + p.phaseSeconds(s), 0);
  const restarts = s.trials.freshProcess === 'step' ? s.steps.length : s.trials.freshProcess === 'round' ? 1 : 0;
  const perTargetTrialS = s.steps.reduce((sum, load) => sum + perStep(load), 0) + restarts * FRESH_PROCESS_S;
  return { targets, steps: s.steps.length, trials: s.trials.trials, perTargetTrialS, totalS: perTargetTrialS * targets * s.trials.trials };
}

/** `planned: 7 steps x 3 rows x up to 3 trials, at most 12.5 min (fewer trials when a step is precise within 5%)`. */
export function describePlan(p: RunPlan, precision: number): string {
  const min = p.totalS / 60;
  const time = min >= 2 ? `${min.toFixed(1)} min` : `${Math.round(p.totalS)} s`;
  // Below minTrialsFor(0.95) (6) trials no interval reaches 95%: every step gets all of its trials.
  const early = p.trials >= minTrialsFor() ? ` (fewer when a step's figures are within ${+(precision * 100).toFixed(2)}% sooner)` : '';
  return `planned: ${p.steps} step${p.steps === 1 ? '' : 's'} x ${p.targets} row${p.targets === 1 ? '' : 's'} x ${p.trials > 1 ? `up to ${p.trials} trials` : '1 trial'}, about ${time}${early}`;
}

const sumOf = (p: PhaseSeconds) => p.warmup + p.measure;
