import { createLabMetrics, readServiceConfigOrExit } from '@concurrency-lab/ts-common';
import { serveEchoRow } from './serve.js';

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
  // One process, no children: its own counters are the tree's, without a /proc walk per scrape.
  processTree: 'self',
});
await serveEchoRow({ name: NAME, config, metrics });
