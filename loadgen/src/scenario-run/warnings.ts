import { measuresRequests } from '../executors/registry.js';
import { errorCount, errorPercent, windowSeconds } from '../model/derived.js';
import type { StepResult } from '../model/results.js';

/** CPU counters tick at 100 Hz and the two bracketing reads are not instantaneous. */
const CPU_TOLERANCE = 0.05;
const CPU_SLACK_S = 0.1;

/** hyperfine-style: say when data look suspect, and what to do about it. */
export function stepWarnings(step: StepResult, opts: { delayMs: number | null; closedModel: boolean; cpus?: number }): string[] {
  const out: string[] = [];
  if (step.requests === 0 && errorCount(step.errors) === 0 && measuresRequests(step)) {
    out.push('no answer at all during the measure phase: the target is stalled, or slower than the step (a longer duration would show how slow)');
  }
  const pct = errorPercent(step);
  if (pct > 1) {
    const kinds = Object.entries(step.errors.by_kind).map(([k, n]) => `${k}: ${n}`).join(', ');
    out.push(`errors: ${pct.toFixed(1)}% of requests failed (${errorCount(step.errors)}${kinds ? `; ${kinds}` : ''}); check the target's log and the upstream`);
  }
  const windowS = windowSeconds(step);
  const cpu = step.server.cpu_seconds;
  if (opts.cpus && cpu !== null && cpu > windowS * opts.cpus * (1 + CPU_TOLERANCE) + CPU_SLACK_S) {
    out.push(`server CPU ${cpu.toFixed(2)} s is more than ${opts.cpus} CPU(s) can give in the ${windowS.toFixed(2)} s its counters cover: the figure is wrong (the service restarted, or its /proc or cgroup counters were misread); do not compare it`);
  }
  if (step.loadgen.saturated) {
    out.push(`load generator saturated: ${step.loadgen.cpu_seconds.toFixed(2)} CPU s in ${windowS.toFixed(1)} s on ${step.loadgen.threads ?? 1} thread(s); the target may be faster than measured (fewer steps at once, or the lab on another machine)`);
  }
  const p50 = step.latency_ms.p50;
  if (opts.closedModel && step.load === 1 && opts.delayMs !== null && p50 !== null && p50 > opts.delayMs + 5) {
    out.push(`latency at 1 connection is ${p50.toFixed(1)} ms, more than 5 ms over the ${opts.delayMs} ms upstream delay: per-request overhead in the server (or Nagle / delayed ACK)`);
  }
  return out;
}
