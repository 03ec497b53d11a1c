import cluster, { type Worker } from 'node:cluster';
import {
  ConfigError,
  createLabMetrics,
  DEFAULT_GRACE_MS,
  ExperimentGuard,
  exitOnSignals,
  readServiceConfigOrExit,
} from '@concurrency-lab/ts-common';
import { createRowExposition } from './aggregation.js';
import { isLabMessage, type PrimaryMessage, type Reply, type WorkerMessage } from './messages.js';
import { metricsOptions, NAME, readWorkers } from './row.js';

// The primary serves no request itself: it owns the listening sockets (node:cluster shares
// them with the workers), keeps WORKERS workers alive, and answers what only the whole row
// knows: the aggregated /metrics and the row's one /overhead slot.

const COLLECT_TIMEOUT_MS = 4_000;

// Same validation as a worker's, before any fork: a bad value stops the row once, with exit 2.
readServiceConfigOrExit({ role: 'implementation' }, NAME);
let workers: number;
try {
  workers = readWorkers();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${NAME}: bad configuration: ${err.message}\n`);
  process.exit(2);
}

// Only its row-level metrics are exported (aggregation.ts), but they are the same definitions
// as every row's. Tree rooted here: lab_os_threads, CPU and RSS count the primary and every worker.
const own = createLabMetrics({ ...metricsOptions(workers), rootPid: process.pid });
const rowExposition = createRowExposition(own, COLLECT_TIMEOUT_MS);
const ready = new Set<Worker>();
const overhead = new ExperimentGuard();
let overheadHolder: Worker | undefined;
let stopping = false;
let allExited: (() => void) | undefined;

const fork = () => cluster.fork({ WORKERS: String(workers) });
for (let i = 0; i < workers; i++) fork();

cluster.on('message', (worker, m: unknown) => {
  if (!isLabMessage(m)) return;
  const msg = m as WorkerMessage;
  if (msg.type === 'lab:ready') {
    ready.add(worker);
    if (ready.size === workers) process.stdout.write(`${NAME}: ${workers} workers ready (pids ${[...ready].map((w) => w.process.pid).join(', ')})\n`);
    return;
  }
  if (msg.type === 'lab:collected') return; // the exposition's own listener takes these
  const answer = (r: Reply) => worker.send({ ...r, type: 'lab:answer', id: msg.id } satisfies PrimaryMessage);
  switch (msg.type) {
    case 'lab:row-metrics':
      rowExposition([...ready]).then(
        (value) => answer({ ok: true, value }),
        (err: unknown) => answer({ ok: false, error: (err as Error).message }),
      );
      return;
    case 'lab:overhead-acquire': {
      const busy = overhead.tryAcquire(msg.params);
      if (!busy) overheadHolder = worker;
      answer({ ok: true, value: busy });
      return;
    }
    case 'lab:overhead-release':
      if (overheadHolder === worker) releaseOverhead();
      answer({ ok: true });
      return;
  }
});

cluster.on('exit', (worker, code, signal) => {
  const wasReady = ready.delete(worker);
  if (overheadHolder === worker) releaseOverhead();
  if (stopping) {
    if (Object.keys(cluster.workers ?? {}).length === 0) allExited?.();
    return;
  }
  const how = signal ? `signal ${signal}` : `code ${code}`;
  if (!wasReady) {
    // It never served: restarting would only repeat the failure (its log says why), forever.
    process.stderr.write(`${NAME}: worker ${worker.process.pid} exited (${how}) before it was ready; stopping the row\n`);
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGKILL');
    process.exit(1);
  }
  process.stderr.write(`${NAME}: worker ${worker.process.pid} exited (${how}); starting a new one so the row keeps ${workers} workers\n`);
  fork();
});

function releaseOverhead(): void {
  overhead.release();
  overheadHolder = undefined;
}

// SIGTERM may reach the workers too (a process-group signal, Ctrl-C) or only the primary
// (docker stop): each worker is told to drain, which it does once either way.
exitOnSignals(
  async () => {
    stopping = true;
    const left = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    if (left.length === 0) return;
    const exited = new Promise<void>((resolve) => (allExited = resolve));
    for (const w of left) if (w.isConnected()) w.send({ type: 'lab:drain' } satisfies PrimaryMessage);
    await exited;
  },
  // A worker's own drain is bounded by DEFAULT_GRACE_MS; wait a little longer for it.
  { name: NAME, graceMs: DEFAULT_GRACE_MS + 2_000 },
);
