import type { StepResult } from '../model/results.js';

// What the run loop tells whoever watches it (lab run's bars, the web page, a tour's progress):
// one event per phase change and every 250 ms inside a phase.

export type RunPhase = 'starting' | 'warmup' | 'measure' | 'cross-check' | 'cooldown' | 'step-done' | 'target-failed' | 'done';

export interface RunProgress {
  scenario: string;
  target: string;
  /** The step's load (connections, req/s or workers). */
  step: number;
  /** 1-based trial of this step, and the most it may get (1 and 1 without trials). */
  trial?: number;
  trials?: number;
  /** 0-based index of the step within the target, and how many steps a target has. */
  index: number;
  total: number;
  targetIndex: number;
  targetTotal: number;
  phase: RunPhase;
  /** Seconds into the phase, and the phase's planned length. */
  elapsed: number;
  phaseSeconds: number;
  /** Successful requests per second over the last second (measure only). */
  rps?: number;
  /** The run folder, from the first event on. */
  resultDir: string;
  /** The finished trial of the step (phase step-done: its own figures; results.json publishes the representative) or the reason (target-failed). */
  result?: StepResult;
  message?: string;
}

