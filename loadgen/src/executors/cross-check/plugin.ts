import { formatMs } from '../../core/units.js';
import type { StepResult } from '../../model/results.js';
import { figureValue } from '../../model/figures.js';
import { crossCheckFindings } from './findings.js';
import type { StepPlugin } from '../common/executor.js';
import type { ResultView } from '../common/view.js';
import { requireWrk, type WrkReport } from '../load-common/wrk.js';

// A step plugin, not an executor: `cross_check: true` (or `lab run --cross-check`) makes the run
// loop drive each step a second time with wrk, "every number has a witness". It rides on the
// executors that list it in stepPlugins (their StepRun has crossCheck()). After the lab's own
// measure of a step (and after the server sampler stopped, so the witness's traffic is in no
// server counter) the step records both rates and their ratio under StepResult.cross_check.

/** Below this lab/wrk ratio the step is flagged: the lab measured notably less than wrk did. */
export const CROSS_CHECK_MIN_RATIO = 0.9;

/** An independent witness of a connections-sweep step: wrk at the same connections, URL and duration. */
export interface CrossCheck {
  tool: 'wrk';
  connections: number;
  duration_s: number;
  /** wrk's answers with status < 400 per second. */
  rps: number;
  latency_ms: { p50: number | null; p99: number | null };
  /** connect, read, write, timeout and status >= 400 errors. */
  errors: number;
  /** lab rps / wrk rps; null when wrk got no answer. */
  ratio: number | null;
  /** ratio < 0.9: the lab measured less than wrk did. */
  flagged: boolean;
  note?: string;
}

/** The StepResult key the cross-check writes. */
export interface CrossCheckFields {
  /** The same step driven a second time by wrk (`lab run --cross-check`), right after the lab's own measure. */
  cross_check?: CrossCheck;
}

/** Its key in the scenario as written, and in the validated Scenario (configure()). */
export interface CrossCheckScenarioKeys {
  /** After each step, the same step driven by wrk (StepResult.cross_check). */
  cross_check?: boolean;
}
export interface CrossCheckScenarioConfig {
  /** Drive each step a second time with wrk (`cross_check: true` or `lab run --cross-check`). */
  crossCheck: boolean;
}

const num = { $ref: '#/definitions/num' };
const RESULT_SCHEMA = {
  cross_check: {
    type: 'object',
    required: ['tool', 'connections', 'duration_s', 'rps', 'latency_ms', 'errors', 'ratio', 'flagged'],
    properties: {
      tool: { const: 'wrk' },
      connections: { $ref: '#/definitions/count' },
      duration_s: { type: 'number', minimum: 0 },
      rps: { type: 'number', minimum: 0 },
      latency_ms: { type: 'object', required: ['p50', 'p99'], properties: { p50: num, p99: num } },
      errors: { $ref: '#/definitions/count' },
      ratio: { ...num, description: 'lab rps / wrk rps' },
      flagged: { type: 'boolean', description: 'ratio < 0.9' },
      note: { type: 'string' },
    },
  },
};

export const crossCheckView: ResultView = {
  name: 'cross-check',
  resultKeys: ['cross_check'],
  resultSchema: RESULT_SCHEMA,
  measuresRequests: true,
  // lab rps / wrk rps: 1 is right, neither side of it is "better".
  figures: (s) => (s.cross_check ? [{ key: 'cross_check.ratio', label: 'lab/wrk req/s', unit: 'x', better: 'none', value: figureValue(s.cross_check.ratio) }] : []),
  afterStepTable: crossCheckLines,
  findings: crossCheckFindings,
  consoleExtra: (s) => (s.cross_check
    ? `  wrk ${s.cross_check.rps.toFixed(1)} req/s p50 ${formatMs(s.cross_check.latency_ms.p50)} p99 ${formatMs(s.cross_check.latency_ms.p99)}, lab/wrk ${s.cross_check.ratio?.toFixed(2) ?? '-'}${s.cross_check.flagged ? ' (flagged)' : ''}`
    : ''),
};

export const crossCheck: StepPlugin = {
  name: 'cross_check',
  flag: {
    name: 'cross-check',
    help: [
      '  --cross-check  connections-sweep: after each step, drive the same step with wrk and record',
      '                 lab/wrk (flagged under 0.9); the same as `cross_check: true` in the scenario',
    ],
  },
  configSchema: { cross_check: { type: 'boolean', description: 'drive every step a second time with wrk and record lab/wrk (executors that list cross_check in stepPlugins)' } },
  enabled: (s) => s.crossCheck,
  configure: (src) => ({ crossCheck: src.cross_check === true }),
  enable: (s) => ({ ...s, crossCheck: true, source: { ...s.source, cross_check: true } }),
  preflight: () => { requireWrk(); },
  phase: 'cross-check',
  phaseSeconds: (s) => s.warmupS + s.durationS,
  async afterStep(run, step, s) {
    if (run.crossCheck) await crossCheckStep(run.crossCheck, step, s.warmupS, s.durationS);
  },
  view: crossCheckView,
};

/** Runs the executor's cross-check and records it on the step (cross_check, plus a warning when flagged). */
export async function crossCheckStep(witness: (warmupS: number, durationS: number) => Promise<WrkReport>, step: StepResult, warmupS: number, durationS: number): Promise<void> {
  let report: WrkReport;
  try {
    report = await witness(warmupS, durationS);
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

/** summary.md: a step's lab figures beside wrk's measurement of the same step (empty when not cross-checked). */
function crossCheckLines(steps: StepResult[], table: (header: string[], rows: unknown[][]) => string[]): string[] {
  const checked = steps.filter((s) => s.cross_check);
  if (checked.length === 0) return [];
  return [
    `Cross-check: the same step driven by wrk right after the lab's measure (lab/wrk under 0.9 is flagged).`,
    '',
    ...table(
      ['connections', 'lab req/s', 'wrk req/s', 'lab/wrk', 'lab p50', 'wrk p50', 'lab p99', 'wrk p99', 'wrk errors', 'CPU'],
      checked.map((s) => {
        const c = s.cross_check!;
        return [s.load, s.rps.toFixed(1), c.rps.toFixed(1), `${c.ratio === null ? '-' : c.ratio.toFixed(2)}${c.flagged ? ' **flagged**' : ''}`,
          formatMs(s.latency_ms.p50), formatMs(c.latency_ms.p50), formatMs(s.latency_ms.p99), formatMs(c.latency_ms.p99), c.errors, c.note ?? ''];
      }),
    ),
    '',
  ];
}

/** Adds the key to StepResult (model/results.ts names no executor). */
declare module '../../model/results.js' {
  interface StepResult extends CrossCheckFields {}
}

/** Adds its keys to the scenario as written and as validated (model/scenario.ts names no executor). */
declare module '../../model/scenario.js' {
  interface ScenarioSource extends CrossCheckScenarioKeys {}
  interface Scenario extends CrossCheckScenarioConfig {}
}
