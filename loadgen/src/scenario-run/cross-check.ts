import type { StepRun } from '../executors/types.js';
import type { WrkReport } from '../executors/wrk.js';
import type { CrossCheck, StepResult } from '../results/types.js';

// "Every number has a witness": after the lab's own measure of a step (and after the server
// sampler stopped, so the witness's traffic is in no server counter), the executor drives the
// same step with wrk and the step records both rates and their ratio.

/** Below this lab/wrk ratio the step is flagged: the lab measured notably less than wrk did. */
export const CROSS_CHECK_MIN_RATIO = 0.9;

/** Runs the executor's cross-check and records it on the step (cross_check, plus a warning when flagged). */
export async function crossCheckStep(run: StepRun, step: StepResult, warmupS: number, durationS: number): Promise<void> {
  if (!run.crossCheck) return;
  let report: WrkReport;
  try {
    report = await run.crossCheck(warmupS, durationS);
  } catch (err) {
    step.warnings.push(`cross-check failed: ${(err as Error).message}`);
    return;
  }
  step.cross_check = toCrossCheck(step, report, durationS);
  const cc = step.cross_check;
  if (cc.flagged) {
    step.warnings.push(
      `cross-check: lab/wrk ${cc.ratio!.toFixed(2)} < ${CROSS_CHECK_MIN_RATIO} (lab ${step.rps.toFixed(1)}, wrk ${cc.rps.toFixed(1)} req/s; ${cc.note ?? ''}): ` +
      'a load generator near a full core was the limit (the target is faster than measured); one using little means a busy machine or a varying target: rerun on an idle machine',
    );
  }
}

export function toCrossCheck(step: StepResult, r: WrkReport, durationS: number): CrossCheck {
  const ratio = r.rps > 0 ? step.rps / r.rps : null;
  const notes = [cpuNote('lab load generator (autocannon)', step.loadgen.cpu_seconds, step.duration_s, step.requests)];
  if (r.cpuSeconds !== null) notes.push(cpuNote('wrk', r.cpuSeconds, r.durationS, r.requests));
  if (Math.round(durationS) !== durationS) notes.push(`wrk ran ${Math.max(1, Math.round(durationS))} s (whole seconds only)`);
  if (step.loadgen.saturated) notes.push('the lab load generator saturated');
  return {
    tool: 'wrk',
    connections: step.load,
    duration_s: Math.round(r.durationS * 1000) / 1000,
    rps: Math.round(r.rps * 10) / 10,
    latency_ms: { p50: r.latencyMs.p50, p99: r.latencyMs.p99 },
    errors: r.errors,
    ratio: ratio === null ? null : Math.round(ratio * 1000) / 1000,
    flagged: ratio !== null && ratio < CROSS_CHECK_MIN_RATIO,
    note: notes.join('; '),
  };
}

/** e.g. "lab load generator 0.62 CPU s/s, 41 us/request". */
function cpuNote(who: string, cpuS: number, wallS: number, requests: number): string {
  // /proc counts CPU in 10 ms ticks: a short, light run may show none.
  if (cpuS === 0) return `${who} under 0.01 CPU s`;
  const share = wallS > 0 ? cpuS / wallS : 0;
  const perReq = requests > 0 ? `${((cpuS / requests) * 1e6).toFixed(0)} us/request` : '- us/request';
  return `${who} ${share.toFixed(2)} CPU s/s, ${perReq}`;
}
