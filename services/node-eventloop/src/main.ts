import { createLabMetrics, exitOnSignals, readServiceConfigOrExit } from '@concurrency-lab/ts-common';
import { createEchoJob } from './echo-job.js';
import { buildHttpServer } from './http-server.js';
import { buildLineServer } from './line-server.js';
import { createUpstreamClient } from './upstream-client.js';

// node-eventloop: the echo job on one Node.js event loop (the original nodeserver.js).
// Env: PORT, LINE_PORT, UPSTREAM_URL (required: the lab sets them from service.json), UPSTREAM_TIMEOUT_MS, BIND.

const NAME = 'node-eventloop';
const config = readServiceConfigOrExit({ role: 'implementation' }, NAME);

const metrics = createLabMetrics({
  impl: NAME,
  model: 'Node.js event loop (fastify + net)',
  language: 'typescript',
  runtime: `node ${process.versions.node}`,
  concurrencyUnit: 'promises',
});
const upstream = createUpstreamClient(config.upstreamUrl, config.upstreamTimeoutMs);
const job = createEchoJob(upstream, metrics);
const http = buildHttpServer(job, metrics);
const line = buildLineServer(job, metrics);

try {
  await http.listen({ port: config.port, host: config.bind, backlog: 8192 });
  await new Promise<void>((resolve, reject) => {
    line.server.once('error', reject);
    line.server.listen({ port: config.linePort, host: config.bind, backlog: 8192 }, () => resolve());
  });
} catch (err) {
  process.stderr.write(`${NAME}: cannot listen (${config.bind}, ports ${config.port}/${config.linePort}): ${(err as Error).message}\n`);
  process.exit(1);
}
process.stdout.write(
  `${NAME}: http on ${config.bind}:${portOf(http.server.address())}, line on ${config.bind}:${portOf(line.server.address())}, upstream ${config.upstreamUrl}\n`,
);

exitOnSignals(
  async () => {
    await Promise.all([http.close(), line.drain()]);
    await upstream.close();
    metrics.close();
  },
  { name: NAME },
);

function portOf(addr: ReturnType<typeof http.server.address>): number | string {
  return typeof addr === 'object' && addr ? addr.port : String(addr);
}
