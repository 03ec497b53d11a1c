import * as hdr from 'hdr-histogram-js';
import type { LatencyHistogram } from '../../executors/load-common/histogram.js';
import type { Measurement } from '../../executors/common/executor.js';
import type { Endpoint } from '../../runtime/types.js';
import type { ScenarioSource } from '../../model/scenario.js';

// The load generator worker protocol (`lab run --loadgens K`). The coordinator gives each of K
// generator processes a job; each puts its share of a step's load on the target, then reports
// its counters, its serialized HDR histogram and its own CPU. One job in, one report out:
//   job:    JSON in the environment variable LAB_LOADGEN_JOB (a child process), or every job in
//           LAB_LOADGEN_JOBS and the task's slot (1..K) in LAB_LOADGEN_SLOT (a swarm service's
//           tasks: `{{.Task.Slot}}`); neither needs a channel back to the coordinator to start
//   report: one stdout line `LAB_LOADGEN_REPORT <json>` (a child's pipe, a task's log)
// Phases line up by the clock: every generator starts warming up at `startAtMs` (epoch ms),
// measures right after, so the K measure windows cover the same seconds.

export const JOB_ENV = 'LAB_LOADGEN_JOB';
/** A swarm service's tasks share one environment: every job, and each task picks its slot's. */
export const JOBS_ENV = 'LAB_LOADGEN_JOBS';
export const SLOT_ENV = 'LAB_LOADGEN_SLOT';
export const REPORT_PREFIX = 'LAB_LOADGEN_REPORT ';
export const PROTOCOL_VERSION = 1;

export interface WorkerJob {
  v: typeof PROTOCOL_VERSION;
  /** 0..count-1, and how many generators share the step. */
  index: number;
  count: number;
  /** The scenario as written (each generator validates it again, as the coordinator did). */
  scenario: ScenarioSource;
  /** The target as the coordinator reaches it, its manifest included (a generator reads no services/). */
  target: Omit<Endpoint, 'upstreamTimeoutMs'>;
  /** This generator's share of the step's load (connections, rate). */
  load: number;
  /** The whole step's load, for live figures and messages. */
  stepLoad: number;
  warmupS: number;
  durationS: number;
  startAtMs: number;
}

export interface WorkerReport {
  v: typeof PROTOCOL_VERSION;
  index: number;
  /** The job's startAtMs: tells this step's reports from an earlier step's in a service log. */
  startAtMs: number;
  /** Where it ran: a hostname (a swarm task reports its node's). */
  host: string;
  /** The measure phase's counters, as the executor returned them (latency recomputed on merge). */
  measurement: Omit<Measurement, 'histogram'>;
  /** encodeIntoCompressedBase64 of the measure phase's latency histogram (us). */
  histogram: string;
  /** user + system CPU seconds of this process during the measure phase. */
  cpuSeconds: number;
  /** When the measure phase started and ended here (epoch ms): the coordinator checks the overlap. */
  measureStartMs: number;
  measureEndMs: number;
  /** Set instead of a measurement when the generator failed. */
  error?: string;
}

export function encodeHistogram(h: LatencyHistogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

export function decodeHistogram(text: string, who: string): LatencyHistogram {
  try {
    return hdr.decodeFromCompressedBase64(text, 32, false);
  } catch (err) {
    throw new Error(`load generator ${who}: its histogram does not decode (${(err as Error).message})`);
  }
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The job a worker was given; every problem at once, since a worker has nobody to ask. */
export function parseJob(raw: string | undefined): WorkerJob {
  if (raw === undefined || raw === '') throw new Error(`${JOB_ENV} is not set: a load generator worker is started by \`lab run --loadgens K\`, not by hand`);
  let job: Partial<WorkerJob>;
  try {
    job = JSON.parse(raw) as Partial<WorkerJob>;
  } catch (err) {
    throw new Error(`${JOB_ENV} is not JSON: ${(err as Error).message}`);
  }
  const problems: string[] = [];
  if (job.v !== PROTOCOL_VERSION) problems.push(`v must be ${PROTOCOL_VERSION} (this lab's protocol), got ${JSON.stringify(job.v)}`);
  if (!Number.isInteger(job.count) || job.count! < 1) problems.push(`count must be a positive integer, got ${JSON.stringify(job.count)}`);
  if (!Number.isInteger(job.index) || job.index! < 0 || job.index! >= (job.count ?? 0)) problems.push(`index must be from 0 to count-1, got ${JSON.stringify(job.index)}`);
  for (const k of ['load', 'stepLoad', 'warmupS', 'durationS', 'startAtMs'] as const) {
    if (!isNum(job[k]) || job[k]! < 0) problems.push(`${k} must be a number >= 0, got ${JSON.stringify(job[k])}`);
  }
  if (typeof job.target?.httpUrl !== 'string' || typeof job.target?.name !== 'string' || typeof job.target?.manifest !== 'object') problems.push('target must have name, httpUrl and manifest');
  if (typeof job.scenario !== 'object' || job.scenario === null) problems.push('scenario must be the scenario source object');
  if (problems.length > 0) throw new Error(`${JOB_ENV}: ${problems.join('; ')}`);
  return job as WorkerJob;
}

/** This process's job: LAB_LOADGEN_JOB, or its slot's entry of LAB_LOADGEN_JOBS. */
export function jobFromEnv(env: NodeJS.ProcessEnv): WorkerJob {
  const all = env[JOBS_ENV];
  if (all === undefined || all === '') return parseJob(env[JOB_ENV]);
  const slot = Number(env[SLOT_ENV]);
  let jobs: unknown;
  try {
    jobs = JSON.parse(all);
  } catch (err) {
    throw new Error(`${JOBS_ENV} is not JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(jobs) || !Number.isInteger(slot) || slot < 1 || slot > jobs.length) {
    throw new Error(`${SLOT_ENV} must be a task slot from 1 to the ${Array.isArray(jobs) ? jobs.length : '?'} jobs of ${JOBS_ENV}, got '${env[SLOT_ENV] ?? ''}'`);
  }
  return parseJob(JSON.stringify(jobs[slot - 1]));
}

export function formatReport(r: WorkerReport): string {
  return REPORT_PREFIX + JSON.stringify(r);
}

/** The report lines in a worker's output (its own, or a swarm service's log with prefixes). */
export function reportsIn(output: string): WorkerReport[] {
  const out: WorkerReport[] = [];
  for (const line of output.split('\n')) {
    const at = line.indexOf(REPORT_PREFIX);
    if (at < 0) continue;
    const r = JSON.parse(line.slice(at + REPORT_PREFIX.length)) as WorkerReport;
    if (r.v !== PROTOCOL_VERSION) throw new Error(`a load generator reported protocol v${r.v}, this lab speaks v${PROTOCOL_VERSION} (same image on every node?)`);
    out.push(r);
  }
  return out;
}
