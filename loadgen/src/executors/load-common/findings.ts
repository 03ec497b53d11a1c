import { fidelity, rpsPerCpuSecond, serverCores, windowSeconds } from '../../model/derived.js';
import { basisOf, firstOf, fmt, intervalSuffix, unitOf, type FindingSource, type Ranking, type RankEntry, type RowFinding } from '../../model/findings.js';
import type { StepResult } from '../../model/results.js';
import type { FindingsPart } from '../common/view.js';

// Findings of the request-load executors (connections-sweep, rate-sweep, line-sweep): the knee
// of the ideal line, the peak rate and the answers per server CPU-second at the peak.

/** Below this share of the ideal line a step is off the line (the knee). */
export const KNEE_FIDELITY = 0.9;

export type LoadFinding =
  | { kind: 'knee'; run: string; unit: string; load: number | null; fidelity: number; rps: number | null; ideal_rps: number | null; last_on_line: number | null; max_load: number; text: string }
  | { kind: 'peak'; run: string; unit: string; load: number; rps: number; text: string }
  | { kind: 'efficiency'; run: string; unit: string; load: number; rps: number; cpu_seconds: number; window_s: number; cores: number; rps_per_cpu_second: number; suspect: boolean; text: string; interval?: RankEntry['interval'] };

export { windowSeconds };

export const loadFindings: FindingsPart = {
  applies: (r, ctx) => r.load_unit !== 'workers' && r.targets.some((t) => ctx.requestSteps(t.steps).length > 0),
  row(s, t, ctx) {
    const list = ctx.requestSteps(t.steps);
    const peak = peakStep(list);
    return [knee(s, list), ...(peak ? [
      { kind: 'peak' as const, run: s.ref.run, unit: unitOf(s.r), load: peak.load, rps: peak.rps, text: `peak ${fmt(peak.rps, 0)} req/s at ${peak.load} ${unitOf(s.r)} (${s.ref.run})` },
      efficiency(s, peak),
    ] : [])];
  },
  rankings: (rows) => [efficiencyRanking(rows)],
  intro: (f) => (f.rows.some((r) => r.items.some((i) => i.kind === 'knee')) ? `The knee is the first step under ${KNEE_FIDELITY} of the ideal line; server CPU rates are over each step's real window.` : ''),
  missing: (sources, loadRuns) => (sources.length && !loadRuns.length
    ? ['no load run (connections-sweep, rate-sweep, line-sweep): knee, peak req/s and req/s per CPU-second need one, e.g. `lab run io-ramp`'] : []),
  caveats(rows, sources) {
    const out: string[] = [];
    for (const [row, items] of rows) {
      for (const i of items) if (i.kind === 'efficiency' && i.suspect) out.push(`${row}: ${i.run} reports ${fmt(i.cpu_seconds, 2)} server CPU-seconds in a ${fmt(i.window_s, 2)} s window on ${cpusOf(sources, i.run)} CPUs, more than the machine has: that figure is left out of the ranking`);
    }
    return out;
  },
};

function knee(s: FindingSource, steps: StepResult[]): RowFinding | undefined {
  const measured = steps.filter((x) => fidelity(x) !== null);
  if (!measured.length) return undefined;
  const unit = unitOf(s.r);
  const i = measured.findIndex((x) => fidelity(x)! < KNEE_FIDELITY);
  const maxLoad = measured[measured.length - 1]!.load;
  if (i < 0) {
    const low = measured.reduce((a, b) => (fidelity(b)! < fidelity(a)! ? b : a));
    return { kind: 'knee', run: s.ref.run, unit, load: null, fidelity: fidelity(low)!, rps: null, ideal_rps: null, last_on_line: maxLoad, max_load: maxLoad,
      text: `no knee up to ${maxLoad} ${unit}: at least ${KNEE_FIDELITY} of the ideal line at every step (lowest ${share(fidelity(low)!)} at ${low.load}; ${s.ref.run})` };
  }
  const k = measured[i]!;
  const last = i > 0 ? measured[i - 1]!.load : null;
  return { kind: 'knee', run: s.ref.run, unit, load: k.load, fidelity: fidelity(k)!, rps: k.rps, ideal_rps: k.ideal_rps, last_on_line: last, max_load: maxLoad,
    text: `knee at ${k.load} ${unit}: ${share(fidelity(k)!)} of the ideal line (${fmt(k.rps, 0)} of ${fmt(k.ideal_rps!, 0)} req/s)${last === null ? ', already at the first step' : `; on the line up to ${last}`} (${s.ref.run})` };
}

function peakStep(steps: StepResult[]): StepResult | undefined {
  return steps.reduce<StepResult | undefined>((a, b) => (!a || b.rps > a.rps ? b : a), undefined);
}

function efficiency(s: FindingSource, peak: StepResult): RowFinding | undefined {
  const cores = serverCores(peak);
  const per = rpsPerCpuSecond(peak);
  if (cores === null || per === null) return undefined;
  // The CPU's window (real_s) can be longer than the measure (duration_s): answers per second
  // over cores, each a rate over its own window, never answers of one window over CPU of another.
  const cpu = peak.server.cpu_seconds!;
  const w = windowSeconds(peak);
  const suspect = cores > s.r.environment.cpus * 1.05;
  const interval = peak.intervals?.requests_per_cpu_s;
  return { kind: 'efficiency', run: s.ref.run, unit: unitOf(s.r), load: peak.load, rps: peak.rps, cpu_seconds: cpu, window_s: w, cores, rps_per_cpu_second: per, suspect, ...(interval ? { interval } : {}),
    text: `${fmt(per, 0)}${intervalSuffix(interval, (v) => fmt(v, 0))} req/s per server CPU-second at its peak (${fmt(peak.rps, 0)} req/s on ${fmt(cores, 2)} cores: ${fmt(cpu, 2)} CPU-s in ${fmt(w, 2)} s${suspect ? ', more CPU than the machine has: suspect' : ''}; ${s.ref.run})` };
}

/**
 * How far one trial's req/s per server CPU-second lands from its step's median (core/stats
 * trialSpread, 0.9 quantile, rounded up to a percent) over the committed io-ramp runs with
 * trials; a one-trial run (the tour) ranks with it. CPU at light load is what moves most. test/results/single-trial-spread.test.ts
 * recomputes it.
 */
export const EFFICIENCY_SINGLE_TRIAL_SPREAD = { fraction: 0.22, basis: 'docs/results/trials/io-ramp and docs/results/trials-repeat/io-ramp: 2 runs x 15 rows x 7 steps x 3 trials' };

function efficiencyRanking(rows: Map<string, RowFinding[]>): Ranking {
  const list = firstOf(rows, 'efficiency', (f) => !f.suspect).sort((a, b) => b.f.rps_per_cpu_second - a.f.rps_per_cpu_second);
  return {
    question: 'Most req/s per server CPU-second', unit: 'req/s per CPU-second', order: 'highest first', single_trial_spread: EFFICIENCY_SINGLE_TRIAL_SPREAD,
    basis: basisOf(list.map((x) => x.f.run), 'at each row\'s peak step, CPU over the step\'s window'),
    entries: list.map(({ row, f }) => ({ row, value: f.rps_per_cpu_second, run: f.run, ...(f.interval ? { interval: f.interval } : {}), text: `${fmt(f.rps_per_cpu_second, 0)}${intervalSuffix(f.interval, (v) => fmt(v, 0))} (${fmt(f.rps, 0)} req/s on ${fmt(f.cores, 2)} cores at ${f.load} ${f.unit})` })),
  };
}

function cpusOf(sources: FindingSource[], run: string): number | string {
  return sources.find((s) => s.ref.run === run)?.ref.cpus ?? '?';
}

/** A share of the ideal line: 2 digits, 3 when 2 would round a step under the knee up to it. */
function share(v: number): string {
  return v < KNEE_FIDELITY && v.toFixed(2) === KNEE_FIDELITY.toFixed(2) ? v.toFixed(3) : v.toFixed(2);
}

/** Adds its findings to RowFinding (model/findings.ts names no executor). */
declare module '../../model/findings.js' {
  interface RowFindingKinds {
    load: LoadFinding;
  }
}
