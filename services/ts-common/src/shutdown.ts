// contract/README.md ("HTTP contract"): on SIGTERM a service stops accepting, finishes in-flight work within a bound, and
// exits 0. A second signal means "now" (an impatient Ctrl-C).

export interface ShutdownOptions {
  /** Longest wait for in-flight work before exiting anyway. */
  graceMs?: number;
  /** Prefix of the one line written to stderr. */
  name: string;
}

export const DEFAULT_GRACE_MS = 10_000;

/**
 * Runs `drain` once on the first SIGTERM/SIGINT, then exits 0 (also when the grace time runs out).
 * Returns the same shutdown as a function, for a stop asked some other way (a node:cluster
 * worker told by its primary): it starts the drain once and is no "second signal".
 */
export function exitOnSignals(drain: () => Promise<void>, opts: ShutdownOptions): () => void {
  let draining = false;
  const start = () => {
    if (draining) return;
    draining = true;
    const graceMs = opts.graceMs ?? DEFAULT_GRACE_MS;
    const deadline = setTimeout(() => {
      process.stderr.write(`${opts.name}: in-flight work not done after ${graceMs} ms, exiting anyway\n`);
      process.exit(0);
    }, graceMs);
    deadline.unref();
    drain().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`${opts.name}: error while shutting down: ${String(err)}\n`);
        process.exit(0);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (draining) {
      process.stderr.write(`${opts.name}: ${signal} again, exiting now\n`);
      process.exit(0);
    }
    start();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return start;
}
