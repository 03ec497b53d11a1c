// node-eventloop's /overhead methods OUTSIDE the server: the witness the bench
// overhead-fidelity compares the row's /overhead with. The same function the server calls,
// in a bare process (no fastify, no metrics, no guard). Not a benchmark itself.
//   node services/node-eventloop/dist/bench/standalone-overhead.js --mode pool|spawn --workers C --tasks N --sleep-ms S [--warmup]
// --warmup: three unmeasured runs first of min(N, max(10C, 50)) tasks: the server's JIT and heap are
// warm from earlier requests, a fresh process's are not (its first C=1000 run is ~1.5x slower).
// Prints the /overhead JSON plus "unit" and "where": "standalone"; exits 2 on bad arguments.
import { parseArgs } from 'node:util';
import { parseOverheadParams } from '@concurrency-lab/ts-common';
import { runOverhead } from '../src/overhead-experiment.js';

const { values } = parseArgs({
  options: { mode: { type: 'string' }, workers: { type: 'string' }, tasks: { type: 'string' }, 'sleep-ms': { type: 'string' }, warmup: { type: 'boolean' } },
});
const parsed = parseOverheadParams({ workers: values.workers, tasks: values.tasks, sleep_ms: values['sleep-ms'], mode: values.mode });
if (!parsed.ok) {
  process.stderr.write(`standalone-overhead: ${parsed.reason}\n`);
  process.exit(2);
}
const p = parsed.value;
if (values.warmup) for (let i = 0; i < 3; i++) await runOverhead({ ...p, tasks: Math.min(p.tasks, Math.max(10 * p.workers, 50)) });
const result = await runOverhead(p);
process.stdout.write(`${JSON.stringify({ ...result, unit: 'promises', where: 'standalone' })}\n`);
