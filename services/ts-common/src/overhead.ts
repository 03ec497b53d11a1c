import type { OverheadResult } from '@concurrency-lab/contract-ts';
import type { OverheadParams } from './validation.js';

// The pool-overhead experiment's answer (contract/README.md, /overhead): ideal_s is the time a perfect pool would
// take, S*N/C ms; overhead = elapsed_s / ideal_s (1.0 = no overhead). With sleep_ms = 0 the
// ideal is 0 and the ratio has no meaning, so overhead is null.
// The clock is the seed's (concurrency_test.py): the pool's C workers are started first, then
// the clock runs while N tasks are put and joined. Starting the pool is reported beside it as
// setup_s (0 in spawn mode, where starting each unit is what is timed).

/** The two figures a row's run measures: the seed's window, and the pool's start before it. */
export interface OverheadTiming {
  elapsedS: number;
  setupS: number;
}


export function overheadResult(p: OverheadParams, timing: OverheadTiming): OverheadResult {
  const idealSeconds = (p.sleepMs * p.tasks) / p.workers / 1000;
  const elapsedSeconds = timing.elapsedS;
  return {
    workers: p.workers,
    tasks: p.tasks,
    sleep_ms: p.sleepMs,
    mode: p.mode,
    elapsed_s: elapsedSeconds,
    setup_s: timing.setupS,
    ideal_s: idealSeconds,
    overhead: idealSeconds > 0 ? elapsedSeconds / idealSeconds : null,
  };
}

/** One experiment at a time per service: a second one would measure the first one's load. */
export class ExperimentGuard {
  private running: OverheadParams | undefined;

  /** Undefined when the slot was taken; otherwise the reason to answer with a 409. */
  tryAcquire(p: OverheadParams): string | undefined {
    if (this.running) {
      const r = this.running;
      return `an overhead experiment is already running (workers=${r.workers}, tasks=${r.tasks}, sleep_ms=${r.sleepMs}, mode=${r.mode}); retry when it ends`;
    }
    this.running = p;
    return undefined;
  }

  release(): void {
    this.running = undefined;
  }
}
