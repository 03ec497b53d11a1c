// Entry point of a load generator process (`lab run --loadgens K` starts K of them: child
// processes, or the stack's `loadgen` service tasks): the job from LAB_LOADGEN_JOB, one report
// line on stdout, exit 0 when it measured, 1 when it failed (the report says why), 2 on a bad job.
import { formatReport, jobFromEnv } from './protocol.js';
import { runWorkerJob } from './worker.js';

// This process is one of the K: its load comes from its own event loop, never autocannon's
// worker threads (which report no per-answer latency, so nothing could be merged exactly).
process.env.LAB_AUTOCANNON_WORKERS = '0';

const controller = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => controller.abort());

let job;
try {
  job = jobFromEnv(process.env);
} catch (err) {
  console.error(`Error: ${(err as Error).message}`);
  process.exit(2);
}
const report = await runWorkerJob(job, controller.signal);
process.stdout.write(`${formatReport(report)}\n`, () => process.exit(report.error === undefined ? 0 : 1));
