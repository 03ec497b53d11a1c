import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { JOB_ENV, PROTOCOL_VERSION, reportsIn, type WorkerJob, type WorkerReport } from './protocol.js';

// K generators on this machine: K node processes of worker-main.js, each with its own event
// loop and core to use (autocannon's single thread saturates long before the machine does).

const WORKER_MAIN = fileURLToPath(new URL('./worker-main.js', import.meta.url));
/** Beyond the job's own seconds: process start, executor start, the report. */
const GRACE_MS = 30_000;

function failedReport(job: WorkerJob, error: string): WorkerReport {
  return {
    v: PROTOCOL_VERSION, index: job.index, startAtMs: job.startAtMs, host: 'localhost',
    measurement: { requests: 0, ok: 0, durationS: 0, latencyMs: { p50: null, p90: null, p99: null, p999: null, max: null }, errors: { timeouts: 0, non2xx: 0, connection: 0, by_kind: {} }, loadgenThreads: 1, warnings: [] },
    histogram: '', cpuSeconds: 0, measureStartMs: 0, measureEndMs: 0, error,
  };
}

function runOne(job: WorkerJob, signal: AbortSignal): Promise<WorkerReport> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [WORKER_MAIN], { env: { ...process.env, [JOB_ENV]: JSON.stringify(job) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    // SIGTERM: the worker aborts its load and still reports what it measured.
    const stop = () => child.kill('SIGTERM');
    signal.addEventListener('abort', stop, { once: true });
    const bound = Math.max(0, job.startAtMs - Date.now()) + (job.warmupS + job.durationS) * 1000 + GRACE_MS;
    const timer = setTimeout(() => child.kill('SIGKILL'), bound);
    child.on('error', (err) => { clearTimeout(timer); resolve(failedReport(job, `could not start: ${err.message}`)); });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', stop);
      let reports: WorkerReport[] = [];
      try { reports = reportsIn(stdout); } catch (err) { return resolve(failedReport(job, (err as Error).message)); }
      if (reports[0]) return resolve(reports[0]);
      const tail = stderr.trim().split('\n').slice(-5).join(' | ');
      resolve(failedReport(job, `exited ${sig ? `on ${sig}${sig === 'SIGKILL' ? ` after ${Math.round(bound / 1000)} s` : ''}` : `with code ${code}`} without a report${tail ? `: ${tail}` : ''}`));
    });
  });
}

/** Runs every job as its own process; one report per job, failures as reports with `error`. */
export function runLocalGenerators(jobs: WorkerJob[], signal: AbortSignal): Promise<WorkerReport[]> {
  return Promise.all(jobs.map((j) => runOne(j, signal)));
}
