import { setTimeout as sleep } from 'node:timers/promises';
import { BoundedChannel, overheadResult, type OverheadParams, type OverheadResult, type OverheadTiming } from '@concurrency-lab/ts-common';

// The pool-overhead experiment in this row's unit, async functions (promises) on the one event
// loop, by p.mode:
//  - pool (the original concurrency_test.py): C long-lived async workers loop "receive a task
//    from a BoundedChannel(C), a timer of S ms". As the seed's pool, they are started first
//    (each runs up to its receive(); timed as setup_s), then the clock runs while the caller
//    sends N tasks (waiting while the channel is full) and waits for the last one done; then
//    the channel is closed to stop them.
//  - spawn: a new async task (one timer promise) per task, at most C alive; the caller waits
//    for a free slot before each.
// bench/standalone-overhead.ts runs these same functions outside the server.
// onUnits(delta): the row's units gauge, +C when the workers start and -C when they stop.

export async function runOverhead(p: OverheadParams, onUnits: (delta: number) => void = () => {}): Promise<OverheadResult> {
  onUnits(p.workers);
  try {
    return overheadResult(p, p.mode === 'pool' ? await runPool(p) : await runSpawn(p));
  } finally {
    onUnits(-p.workers);
  }
}

async function runPool(p: OverheadParams): Promise<OverheadTiming> {
  const channel = new BoundedChannel<number>(p.workers);
  let done = 0;
  let allDone!: () => void;
  const finished = new Promise<void>((resolve) => (allDone = resolve));
  const worker = async () => {
    for (;;) {
      const task = await channel.receive();
      if (task === undefined) return;
      await sleep(p.sleepMs);
      if (++done === p.tasks) allDone();
    }
  };
  const setup0 = performance.now();
  const workers = Array.from({ length: p.workers }, worker);
  const t0 = performance.now();
  for (let i = 0; i < p.tasks; i++) await channel.send(i);
  await finished;
  const elapsedS = (performance.now() - t0) / 1000;
  channel.close();
  await Promise.all(workers);
  return { elapsedS, setupS: (t0 - setup0) / 1000 };
}

async function runSpawn(p: OverheadParams): Promise<OverheadTiming> {
  let alive = 0;
  let wake: (() => void) | undefined;
  const waitForSlot = () => new Promise<void>((resolve) => (wake = resolve));
  const one = async () => {
    await sleep(p.sleepMs);
    alive--;
    const w = wake;
    wake = undefined;
    w?.();
  };
  const t0 = performance.now();
  for (let i = 0; i < p.tasks; i++) {
    while (alive >= p.workers) await waitForSlot();
    alive++;
    void one();
  }
  while (alive > 0) await waitForSlot();
  return { elapsedS: (performance.now() - t0) / 1000, setupS: 0 };
}
