import net from 'node:net';
import { pathToFileURL } from 'node:url';
import { createLabMetrics, exitOnSignals, readServiceConfigOrExit, type LabMetrics, type ServiceConfig } from '@concurrency-lab/ts-common';
import type { FastifyInstance } from 'fastify';
import { createEchoJob, type EchoJob } from './echo-job.js';
import { buildHttpServer, type ExperimentLock } from './http-server.js';
import { LineConnections, type LineServer } from './line-connection.js';
import { createUpstreamClient } from './upstream-client.js';

// node-eventloop: the echo job on one Node.js event loop (the original nodeserver.js).
// Env: PORT, LINE_PORT, UPSTREAM_URL (required: the lab sets them from service.json), UPSTREAM_TIMEOUT_MS, BIND.

/**
 * nodeserver.js: `net.createServer(function(socket) { socket.on('data', function(data) {
 * http.get(..., function(res) { socket.write(res); }) }) })`. A callback per connection on the
 * one loop; for each line (whole and in order: line-connection.ts), the fetch, then the write.
 */
export function createLineServer(job: EchoJob, metrics: LabMetrics): LineServer {
  const connections = new LineConnections(metrics);
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    connections.serve(socket, async (params, reply) => {
      const result = await job(params); // http.get(options, function(res) {...}): the loop serves others meanwhile
      if (result.ok) reply(`echo: ${result.body}\n`, 'ok'); // socket.write(res)
      else reply(`error: ${result.reason}\n`, result.kind);
    });
  });
  return connections.serving(server);
}

// The whole row on one event loop: upstream client, echo job, both servers listening, and the
// SIGTERM drain. main() runs it as node-eventloop; node-cluster runs it in every worker, with
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
  const line = createLineServer(job, metrics);
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

const NAME = 'node-eventloop';

async function main(): Promise<void> {
  const config = readServiceConfigOrExit({ role: 'implementation' }, NAME);
  const metrics = createLabMetrics({
    impl: NAME,
    model: 'Node.js event loop (fastify + net)',
    language: 'typescript',
    runtime: `node ${process.versions.node}`,
    concurrencyUnit: 'promises',
    // One process, no children: its own counters are the tree's, without a /proc walk per scrape.
    processTree: 'self',
  });
  await serveEchoRow({ name: NAME, config, metrics });
}

// Run as the program (node dist/src/main.js), not when node-cluster imports the row from index.ts.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
