import { setTimeout as sleep } from 'node:timers/promises';
import { overheadResult, type OverheadParams, type OverheadResult } from '@concurrency-lab/ts-common';

// The pool-overhead experiment in this row's unit: C async worker loops (promises on the one
// event loop) pull task numbers from a shared counter, and each task is a timer of S ms.
// No locking is needed: the counter is only touched between awaits, on one thread.

export async function runOverhead(p: OverheadParams): Promise<OverheadResult> {
  let next = 0;
  const worker = async () => {
    while (next < p.tasks) {
      next++;
      await sleep(p.sleepMs);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(p.workers, p.tasks) }, worker));
  return overheadResult(p, (performance.now() - t0) / 1000);
}
