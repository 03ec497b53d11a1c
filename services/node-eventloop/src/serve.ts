import { exitOnSignals, type LabMetrics, type ServiceConfig } from '@concurrency-lab/ts-common';
import type { FastifyInstance } from 'fastify';
import { createEchoJob } from './echo-job.js';
import { buildHttpServer, type ExperimentLock } from './http-server.js';
import { buildLineServer, type LineServer } from './line-server.js';
import { createUpstreamClient } from './upstream-client.js';

// The whole row on one event loop: upstream client, echo job, both servers listening, and the
// SIGTERM drain. main.ts runs it as node-eventloop; node-cluster runs it in every worker, with
// the two things a worker cannot answer alone (the whole row's /metrics, the row's one
// /overhead slot) passed in.

export interface ServeOptions {
  /** Prefix of log lines, and of the exit message when a port cannot be bound. */
  name: string;
  config: ServiceConfig;
  metrics: LabMetrics;
  /** /overhead's one-at-a-time slot; default one per process. */
  experiments?: ExperimentLock;
  /** Last changes to the HTTP server before it listens (fastify takes no hooks after). */
  beforeListen?: (http: FastifyInstance) => void;
}

export interface ServingRow {
  http: FastifyInstance;
  line: LineServer;
  /** Starts the same drain as SIGTERM (once; never counts as a second signal). */
  shutdown: () => void;
}

/** Exits 1 when a port cannot be bound (the message names both). */
export async function serveEchoRow(opts: ServeOptions): Promise<ServingRow> {
  const { name, config, metrics } = opts;
  const upstream = createUpstreamClient(config.upstreamUrl, config.upstreamTimeoutMs);
  const job = createEchoJob(upstream, metrics);
  const http = buildHttpServer(job, metrics, opts.experiments);
  const line = buildLineServer(job, metrics);
  opts.beforeListen?.(http);

  try {
    await http.listen({ port: config.port, host: config.bind, backlog: 8192 });
    await new Promise<void>((resolve, reject) => {
      line.server.once('error', reject);
      line.server.listen({ port: config.linePort, host: config.bind, backlog: 8192 }, () => resolve());
    });
  } catch (err) {
    process.stderr.write(`${name}: cannot listen (${config.bind}, ports ${config.port}/${config.linePort}): ${(err as Error).message}\n`);
    process.exit(1);
  }
  process.stdout.write(
    `${name}: http on ${config.bind}:${portOf(http.server.address())}, line on ${config.bind}:${portOf(line.server.address())}, upstream ${config.upstreamUrl}\n`,
  );

  const shutdown = exitOnSignals(
    async () => {
      await Promise.all([http.close(), line.drain()]);
      await upstream.close();
      metrics.close();
    },
    { name },
  );
  return { http, line, shutdown };
}

function portOf(addr: ReturnType<FastifyInstance['server']['address']>): number | string {
  return typeof addr === 'object' && addr ? addr.port : String(addr);
}
