import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import {
  ExperimentGuard,
  parseEchoParams,
  parseOverheadParams,
  requestLimitRefusal,
  type LabMetrics,
  type OverheadParams,
  type Query,
} from '@concurrency-lab/ts-common';
import type { EchoJob } from './echo-job.js';
import { runOverhead } from './overhead-experiment.js';

// HTTP side of the row: fastify on the event loop, one handler per route of the contract (contract/README.md).

const TEXT = 'text/plain; charset=utf-8';

/** One /overhead at a time: ts-common's ExperimentGuard, or a slot shared by several processes (node-cluster). */
export interface ExperimentLock {
  /** Undefined when the slot was taken; otherwise the reason to answer with a 409. */
  tryAcquire(p: OverheadParams): string | undefined | Promise<string | undefined>;
  /** Awaited before the answer leaves, so the client's next /overhead finds the slot free. */
  release(): void | Promise<void>;
}

export function buildHttpServer(job: EchoJob, metrics: LabMetrics, experiments: ExperimentLock = new ExperimentGuard()): FastifyInstance {
  const app = Fastify({
    logger: false,
    // Load generators hold keep-alive connections for a whole step.
    keepAliveTimeout: 72_000,
    connectionTimeout: 0,
    requestTimeout: 0,
    maxRequestsPerSocket: 0,
    forceCloseConnections: 'idle',
  });
  app.server.headersTimeout = 77_000;

  const open = metrics.openConnections.labels('http');
  app.server.on('connection', (socket) => {
    // Node's http server already disables Nagle (noDelay defaults to true); made explicit
    // because one delayed ACK would add 40 ms to every keep-alive answer.
    socket.setNoDelay(true);
    open.inc();
    socket.once('close', () => open.dec());
  });

  // Over the contract's header or body limit: refused before any route, not counted (ts-common).
  app.addHook('onRequest', async (req, reply) => {
    const refused = requestLimitRefusal(req.raw.rawHeaders);
    if (refused) await reply.code(refused.status).header('connection', 'close').type(TEXT).send(refused.body);
  });

  app.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 ? err.statusCode : 500;
    void reply.code(status).type(TEXT).send(`${err.message.replace(/\s+/g, ' ').trim()}\n`);
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).type(TEXT).send(`no route ${req.method} ${req.url.split('?')[0]}\n`);
  });

  const inflight = metrics.inflight.labels('http');
  app.get('/echo', async (req, reply) => {
    const t0 = performance.now();
    inflight.inc();
    try {
      const parsed = parseEchoParams(req.query as Query);
      if (!parsed.ok) {
        metrics.recordRequest('http', 'bad_request', seconds(t0));
        return text(reply, 400, `${parsed.reason}\n`);
      }
      const result = await job(parsed.value);
      if (result.ok) {
        metrics.recordRequest('http', 'ok', seconds(t0));
        return text(reply, 200, `echo: ${result.body}\n`);
      }
      metrics.recordRequest('http', result.kind, seconds(t0));
      return text(reply, result.kind === 'timeout' ? 504 : 502, `error: ${result.reason}\n`);
    } finally {
      inflight.dec();
    }
  });

  // The experiment's C workers are this row's units while it runs.
  const promises = metrics.concurrencyUnits.labels('promises');
  const onUnits = (delta: number) => promises.inc(delta);
  app.get('/overhead', async (req, reply) => {
    const parsed = parseOverheadParams(req.query as Query);
    if (!parsed.ok) return text(reply, 400, `${parsed.reason}\n`);
    const busy = await experiments.tryAcquire(parsed.value);
    if (busy) return text(reply, 409, `${busy}\n`);
    try {
      return await runOverhead(parsed.value, onUnits);
    } finally {
      await experiments.release();
    }
  });

  app.get('/healthz', async (_req, reply) => text(reply, 200, 'ok\n'));
  app.get('/metrics', async (_req, reply) => reply.type(metrics.contentType).send(await metrics.exposition()));
  return app;
}

function text(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).type(TEXT).send(body);
}

function seconds(t0: number): number {
  return (performance.now() - t0) / 1000;
}
