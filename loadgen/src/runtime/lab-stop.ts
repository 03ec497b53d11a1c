// A stop is never a crash. The first SIGINT/SIGTERM/SIGHUP of the lab process starts one
// orderly stop, whatever the lab is doing (starting rows, verifying, running, rendering):
//   1. synchronously, before any child can die of it, every runtime is told a stop is under way
//      (beginStop): from then on a service that exits is "stopped", never "crashed", and the
//      supervisor relaunches nothing;
//   2. the stop signal (an AbortSignal) aborts whatever runs: a run writes what it measured;
//   3. the command that owns the stop (ownStop: `lab up`, `lab run`) closes what it opened and
//      calls stopAll(); without an owner (`lab verify`, a library caller) stopAll() runs here;
//   4. "lab stopped." is printed and the process exits 128 + the signal's number.
// A second signal kills at once: process.exit, whose 'exit' hook SIGKILLs every process group.

export interface Stoppable {
  /** Synchronous: deaths from now on are stops, and nothing is relaunched or started. */
  beginStop(): void;
  /** Stops what it started; may be called more than once (the same stop). */
  stop(): Promise<void>;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const stoppables = new Set<Stoppable>();
const controller = new AbortController();
const owners = new Set<(signal: NodeJS.Signals) => void>();
let requested: NodeJS.Signals | undefined;
let installed = false;

/** The shell's convention: 128 + the signal number (130 SIGINT, 143 SIGTERM, 129 SIGHUP). */
export function exitCodeFor(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : signal === 'SIGHUP' ? 129 : 1;
}

/** The signal that started the stop, once one arrived. */
export function stopRequested(): NodeJS.Signals | undefined {
  return requested;
}

/** Aborted when the stop starts. */
export function labStopSignal(): AbortSignal {
  installStopSignals();
  return controller.signal;
}

export function installStopSignals(): void {
  if (installed) return;
  installed = true;
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

/** A runtime announces itself as soon as it exists (before its first service starts). */
export function registerStoppable(s: Stoppable): () => void {
  installStopSignals();
  stoppables.add(s);
  if (requested) s.beginStop();
  return () => stoppables.delete(s);
}

/** Stops every registered runtime (each its own services), together. */
export async function stopAll(log: (line: string) => void = (l) => console.error(l)): Promise<void> {
  await Promise.all([...stoppables].map((s) => s.stop().catch((err: Error) => log(`could not stop every service: ${err.message}`))));
}

export interface OwnedStop {
  /** Aborted when the stop starts. */
  signal: AbortSignal;
  /** Resolves with the signal that started the stop. */
  requested: Promise<NodeJS.Signals>;
  /** Resolves `work`, or rejects with StopRequested as soon as the stop starts (work goes on, its result ignored). */
  race<T>(work: Promise<T>): Promise<T>;
  release(): void;
}

/** Thrown by OwnedStop.race when a signal arrived first. */
export class StopRequested extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`${signal}: stopping`);
    this.name = 'StopRequested';
  }
}

/** The caller drives the stop itself (closes its dashboard, lets a run write its steps), then calls stopAll(). */
export function ownStop(): OwnedStop {
  installStopSignals();
  let listener!: (signal: NodeJS.Signals) => void;
  const signalled = new Promise<NodeJS.Signals>((resolve) => { listener = resolve; });
  if (requested) listener(requested);
  else owners.add(listener);
  return {
    signal: controller.signal,
    requested: signalled,
    race<T>(work: Promise<T>): Promise<T> {
      work.catch(() => {}); // a rejection after the stop won the race is not an unhandled one
      return Promise.race([work, signalled.then((s): T => { throw new StopRequested(s); })]);
    },
    release() { owners.delete(listener); },
  };
}

function onSignal(signal: NodeJS.Signals): void {
  if (requested) {
    process.stderr.write(`\n${signal} again: killing every process of the lab at once.\n`);
    process.exit(exitCodeFor(requested));
  }
  requested = signal;
  for (const s of stoppables) {
    try { s.beginStop(); } catch { /* the others must still hear it */ }
  }
  process.stderr.write(`\n${signal}: stopping the lab: every process it started, keeping what is complete (${signal === 'SIGINT' ? 'Ctrl-C' : signal} again kills at once).\n`);
  controller.abort(new StopRequested(signal));
  if (owners.size > 0) {
    for (const o of owners) o(signal);
    return;
  }
  void stopAll().finally(() => {
    process.stderr.write('lab stopped.\n');
    process.exit(exitCodeFor(signal));
  });
}
