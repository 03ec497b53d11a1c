import { createLabMetrics, readServiceConfigOrExit } from '@concurrency-lab/ts-common';
import { serveEchoRow, type ExperimentLock } from '@concurrency-lab/node-eventloop';
import { answerCollects, setWorkerAggregators } from './aggregation.js';
import { createAsker, isLabMessage, type WorkerMessage } from './messages.js';
import { metricsOptions, NAME, readWorkers } from './row.js';

// One worker: node-eventloop's row, unchanged, on this process's event loop. The listening
// sockets are the primary's (node:cluster hands each new connection to one worker). Two
// answers need the whole row and come from the primary: /metrics, and whether an /overhead
// experiment may start (one per row, run in the worker that got the request).

const ASK_TIMEOUT_MS = 6_000;

const config = readServiceConfigOrExit({ role: 'implementation' }, NAME);
// Its process series are omitted from the row's (the primary reads the whole tree), so they
// come from the worker's own counters rather than a /proc walk per collect.
const metrics = createLabMetrics({ ...metricsOptions(readWorkers()), processTree: 'self' });
setWorkerAggregators(metrics.registry);
answerCollects(metrics.registry);

const ask = createAsker(ASK_TIMEOUT_MS);
const experiments: ExperimentLock = {
  tryAcquire: (params) => ask({ type: 'lab:overhead-acquire', params }),
  release: async () => {
    await ask({ type: 'lab:overhead-release' });
  },
};
const pid = String(process.pid);

const row = await serveEchoRow({
  name: `${NAME} worker ${process.pid}`,
  config,
  // This worker's metrics count its own requests; its /metrics answers the row's.
  metrics: { ...metrics, exposition: async () => (await ask({ type: 'lab:row-metrics' }))! },
  experiments,
  beforeListen(http) {
    // Which worker answered: how a client (and this row's tests) sees the connections spread.
    // A callback hook: an async one would cost a promise per request.
    http.addHook('onRequest', (_req, reply, done) => {
      reply.header('x-lab-worker-pid', pid);
      done();
    });
  },
});

process.on('message', (m: unknown) => {
  if (isLabMessage(m) && m.type === 'lab:drain') row.shutdown();
});
process.send!({ type: 'lab:ready' } satisfies WorkerMessage);
