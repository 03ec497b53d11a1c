import { exitOnSignals, readServiceConfigOrExit } from '@concurrency-lab/ts-common';
import { buildUpstream } from './server.js';
import { configFromEnv } from './upstream-config.js';

// The slow pirate translator every implementation fetches from. Env: PORT (required: the lab sets it from service.json), BIND,
// UPSTREAM_DELAY_MS (50), UPSTREAM_JITTER_MS (0), UPSTREAM_ERROR_RATE (0).

const NAME = 'upstream';
const env = readServiceConfigOrExit({ role: 'upstream' }, NAME);
const initial = configFromEnv(process.env);
if (!initial.ok) {
  process.stderr.write(`${NAME}: bad configuration: ${initial.reason}\n`);
  process.exit(2);
}

const { app } = buildUpstream(initial.config);
try {
  // A deep backlog: a thousand connections arriving at once must not be refused.
  await app.listen({ port: env.port, host: env.bind, backlog: 8192 });
} catch (err) {
  process.stderr.write(`${NAME}: cannot listen on ${env.bind}:${env.port}: ${(err as Error).message}\n`);
  process.exit(1);
}
const addr = app.server.address();
const port = typeof addr === 'object' && addr ? addr.port : env.port;
process.stdout.write(`${NAME}: listening on http://${env.bind}:${port} (delay ${initial.config.delay_ms} ms)\n`);

exitOnSignals(() => app.close(), { name: NAME });
