import { formatBytes, ratio } from '../core/units.js';
import { modeCrossovers, type Crossover } from './crossover.js';
import { fidelity, loadLabel } from './derived.js';
import { runOverheadModes, stepOverhead } from './overhead-modes.js';
import type { OverheadMode, RunResults, StepResult } from './types.js';

// Findings computed from results, never written by hand: pure functions over one or more runs
// (e.g. an io-ramp, an overhead and an idle-connections run). Each run contributes what its
// data supports; every figure carries its numbers and the run it came from. summary.md and the
// web page show the same text, made here.

/** Below this share of the ideal line a step is off the line (the knee). */
export const KNEE_FIDELITY = 0.9;
/** The worker count the overhead ranking asks about (the largest of the shipped scenario). */
export const OVERHEAD_RANK_WORKERS = 1000;

export interface RunRef {
  /** The scenario name, plus the start time when several runs share it. */
  run: string;
  scenario: string;
  executor: string;
  started_at: string;
  cpus: number;
  runtime: string;
}

export type RowFinding =
  | { kind: 'knee'; run: string; unit: string; load: number | null; fidelity: number; rps: number | null; ideal_rps: number | null; last_on_line: number | null; max_load: number; text: string }
  | { kind: 'peak'; run: string; unit: string; load: number; rps: number; text: string }
  | { kind: 'efficiency'; run: string; unit: string; load: number; rps: number; cpu_seconds: number; window_s: number; cores: number; rps_per_cpu_second: number; suspect: boolean; text: string }
  | { kind: 'idle'; run: string; connections: number; threads_per_connection: number | null; bytes_per_connection: number | null; text: string }
  | { kind: 'overhead'; run: string; mode: OverheadMode; workers: number; overhead: number; text: string }
  /** Where this row's overhead curve crosses others' for good (results/crossover.ts), in one mode. */
  | { kind: 'crossover'; run: string; mode: OverheadMode; crossings: { other: string; workers: number; overhead: number; other_overhead: number }[]; text: string }
  | { kind: 'cross-check'; run: string; min_ratio: number; min_at: number; flagged: number; per_step: { load: number; ratio: number }[]; text: string };

export interface RowFindings {
  row: string;
  items: RowFinding[];
}

export interface Ranking {
  question: string;
  /** What the value is, e.g. 'req/s per CPU-second'. */
  unit: string;
  /** Where the figures come from (runs, and the step each is taken at). */
  basis: string;
  order: 'highest first' | 'lowest first';
  entries: { row: string; value: number; run: string; text: string }[];
}

export interface Findings {
  runs: RunRef[];
  rows: RowFindings[];
  rankings: Ranking[];
  /** What the runs could not answer, and how to get it. */
  notes: string[];
}

interface Source {
  ref: RunRef;
  r: RunResults;
}

export function computeFindings(runs: RunResults[]): Findings {
  const sources = runs.map((r, i) => ({ r, ref: runRef(r, runs, i) }));
  const rows = new Map<string, RowFinding[]>();
  const add = (row: string, f: RowFinding | undefined) => {
    if (!f) return;
    if (!rows.has(row)) rows.set(row, []);
    rows.get(row)!.push(f);
  };
  const loadRuns = sources.filter((s) => isLoadRun(s.r));
  const idleRuns = sources.filter((s) => s.r.targets.some((t) => t.steps.some((x) => x.idle)));
  const overheadRuns = sources.filter((s) => runOverheadModes(s.r).length > 0);

  // Rows in the order the runs name them; a row with no step at all has nothing to find.
  for (const s of sources) for (const t of s.r.targets) if (t.steps.length && !rows.has(t.name)) rows.set(t.name, []);
  for (const s of loadRuns) {
    for (const t of s.r.targets) {
      const steps = loadSteps(t.steps);
      add(t.name, knee(s, steps));
      const peak = peakStep(steps);
      if (peak) {
        add(t.name, { kind: 'peak', run: s.ref.run, unit: unitOf(s.r), load: peak.load, rps: peak.rps, text: `peak ${fmt(peak.rps, 0)} req/s at ${peak.load} ${unitOf(s.r)} (${s.ref.run})` });
        add(t.name, efficiency(s, peak));
      }
      add(t.name, crossCheck(s, steps));
    }
  }
  for (const s of idleRuns) for (const t of s.r.targets) add(t.name, idle(s, t.steps));
  for (const s of overheadRuns) {
    for (const mode of runOverheadModes(s.r)) {
      const at = overheadRankWorkers(s.r, mode);
      for (const t of s.r.targets) {
        const step = t.steps.find((x) => x.load === at);
        const v = step && stepOverhead(step, mode)?.overhead;
        if (typeof v === 'number') add(t.name, { kind: 'overhead', run: s.ref.run, mode, workers: at!, overhead: v, text: `${mode} mode: ${ratio(v)} overhead at ${at} workers (${s.ref.run})` });
      }
      const xs = modeCrossovers(s.r, mode);
      for (const t of s.r.targets) add(t.name, crossoverFinding(s, mode, xs.filter((x) => x.rising === t.name)));
    }
  }

  const rankings = [efficiencyRanking(rows), idleRanking(rows), ...overheadModesOf(overheadRuns).map((m) => overheadRanking(rows, m))]
    .filter((r): r is Ranking => r !== undefined && r.entries.length > 0);
  const notes: string[] = [];
  if (!sources.length) notes.push('no results to compute findings from');
  if (sources.length && !loadRuns.length) notes.push('no load run (connections-sweep, rate-sweep, line-sweep): knee, peak req/s and req/s per CPU-second need one, e.g. `lab run io-ramp`');
  if (sources.length && !idleRuns.length) notes.push('no idle-connections run: threads and bytes per idle connection need one (`lab run idle-connections`)');
  if (sources.length && !overheadRuns.length) notes.push('no overhead run: the overhead crossovers and the overhead ranking need one (`lab run overhead`)');
  if (loadRuns.length && !loadRuns.some((s) => s.r.targets.some((t) => t.steps.some((x) => x.cross_check)))) {
    notes.push('no cross-check in the load runs: `lab run io-ramp --cross-check` measures each connections-sweep step again with wrk');
  }
  for (const [row, items] of rows) {
    for (const i of items) if (i.kind === 'efficiency' && i.suspect) notes.push(`${row}: ${i.run} reports ${fmt(i.cpu_seconds, 2)} server CPU-seconds in a ${fmt(i.window_s, 2)} s window on ${cpusOf(sources, i.run)} CPUs, more than the machine has: that figure is left out of the ranking`);
  }
  return { runs: sources.map((s) => s.ref), rows: [...rows].map(([row, items]) => ({ row, items })), rankings, notes };
}

/** The Findings section of summary.md. */
export function findingsToMarkdown(f: Findings): string[] {
  const out = ['## Findings', '',
    `Computed by \`lab report\` from ${f.runs.map((r) => `${r.run} (${r.executor}, ${r.cpus} CPUs, ${r.runtime})`).join(', ') || 'no run'}. ` +
    (f.rows.some((r) => r.items.some((i) => i.kind === 'knee')) ? `The knee is the first step under ${KNEE_FIDELITY} of the ideal line; server CPU rates are over each step's real window.` : ''), ''];
  for (const k of f.rankings) {
    out.push(`**${k.question}** (${k.unit}, ${k.order}; ${k.basis})`, '');
    k.entries.forEach((e, i) => out.push(`${i + 1}. ${e.row}: ${e.text}`));
    out.push('');
  }
  for (const r of f.rows) {
    if (!r.items.length) continue;
    out.push(`**${r.row}**`, '', ...r.items.map((i) => `- ${i.text}`), '');
  }
  if (f.notes.length) out.push('Not covered by these runs:', '', ...f.notes.map((n) => `- ${n}`), '');
  return out;
}

function runRef(r: RunResults, all: RunResults[], i: number): RunRef {
  const same = all.filter((x) => x.scenario.name === r.scenario.name).length > 1;
  return {
    run: same ? `${r.scenario.name} run of ${r.started_at}` : `${r.scenario.name} run`,
    scenario: r.scenario.name,
    executor: r.scenario.executor,
    started_at: r.started_at,
    cpus: r.environment.cpus,
    runtime: r.environment.runtime,
  };
}

function isLoadRun(r: RunResults): boolean {
  return r.load_unit !== 'workers' && r.targets.some((t) => loadSteps(t.steps).length > 0);
}

/** Steps that put load on a row (not idle-connection or overhead steps), by load. */
function loadSteps(steps: StepResult[]): StepResult[] {
  return steps.filter((s) => !s.idle && !s.overhead && s.requests > 0).sort((a, b) => a.load - b.load);
}

function unitOf(r: RunResults): string {
  return loadLabel(r.load_unit);
}

function knee(s: Source, steps: StepResult[]): RowFinding | undefined {
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

/**
 * The seconds a step's server counters cover: StepResult.window.real_s (the measure phase plus
 * an open model's drain) when the run recorded it, else the measured duration (older runs).
 */
export function windowSeconds(s: StepResult): number {
  return s.window?.real_s ?? s.duration_s;
}

function efficiency(s: Source, peak: StepResult): RowFinding | undefined {
  const cpu = peak.server.cpu_seconds;
  const w = windowSeconds(peak);
  if (cpu === null || !(cpu > 0) || !(w > 0)) return undefined;
  // Answers per CPU-second: the step's good answers over the CPU its counters saw. The CPU rate
  // (cores) is over the window those counters cover, which can be longer than the measure.
  const cores = cpu / w;
  const per = (peak.rps * peak.duration_s) / cpu;
  const suspect = cores > s.r.environment.cpus * 1.05;
  return { kind: 'efficiency', run: s.ref.run, unit: unitOf(s.r), load: peak.load, rps: peak.rps, cpu_seconds: cpu, window_s: w, cores, rps_per_cpu_second: per, suspect,
    text: `${fmt(per, 0)} req/s per server CPU-second at its peak (${fmt(peak.rps, 0)} req/s on ${fmt(cores, 2)} cores: ${fmt(cpu, 2)} CPU-s in ${fmt(w, 2)} s${suspect ? ', more CPU than the machine has: suspect' : ''}; ${s.ref.run})` };
}

function crossCheck(s: Source, steps: StepResult[]): RowFinding | undefined {
  const per = steps.flatMap((x) => (typeof x.cross_check?.ratio === 'number' ? [{ load: x.load, ratio: x.cross_check.ratio, flagged: x.cross_check.flagged }] : []));
  if (!per.length) return undefined;
  const min = per.reduce((a, b) => (b.ratio < a.ratio ? b : a));
  const flagged = per.filter((p) => p.flagged).length;
  return { kind: 'cross-check', run: s.ref.run, min_ratio: min.ratio, min_at: min.load, flagged, per_step: per.map(({ load, ratio: r }) => ({ load, ratio: r })),
    text: `cross-check lab/wrk: min ${fmt(min.ratio, 2)} at ${min.load} ${unitOf(s.r)}; per step ${per.map((p) => `${p.load}: ${fmt(p.ratio, 2)}`).join(', ')}; ${flagged ? `${flagged} step${flagged > 1 ? 's' : ''} under 0.9` : 'none under 0.9'} (${s.ref.run})` };
}

/** The step with the most connections open: the fixed cost of the process weighs least there. */
function idle(s: Source, steps: StepResult[]): RowFinding | undefined {
  const usable = steps.filter((x) => x.idle && x.idle.connections_open > 0 && (x.idle.bytes_per_connection !== null || x.idle.threads_per_connection !== null));
  const top = usable.reduce<StepResult | undefined>((a, b) => (!a || b.idle!.connections_open > a.idle!.connections_open ? b : a), undefined);
  if (!top) return undefined;
  const i = top.idle!;
  return { kind: 'idle', run: s.ref.run, connections: i.connections_open, threads_per_connection: i.threads_per_connection, bytes_per_connection: i.bytes_per_connection,
    text: `${i.threads_per_connection === null ? '-' : fmt(i.threads_per_connection, 3)} threads and ${i.bytes_per_connection === null ? '-' : formatBytes(i.bytes_per_connection)} per idle connection (at ${i.connections_open} open; ${s.ref.run})` };
}

function crossoverFinding(s: Source, mode: OverheadMode, xs: Crossover[]): RowFinding | undefined {
  if (!xs.length) return undefined;
  const crossings = xs.map((x) => ({ other: x.other, workers: x.workers, overhead: x.rising_overhead, other_overhead: x.other_overhead }));
  return { kind: 'crossover', run: s.ref.run, mode, crossings,
    text: `${mode} mode: crosses ${crossings.map((x) => `${x.other} at ${x.workers} workers (${ratio(x.overhead)} vs ${ratio(x.other_overhead)})`).join(', ')}, and stays more than 10% above (${s.ref.run})` };
}

/** 1000 workers when every row measured it in that mode, else the largest count they all measured. */
function overheadRankWorkers(r: RunResults, mode: OverheadMode): number | undefined {
  const counts = r.targets
    .map((t) => new Set(t.steps.filter((s) => typeof stepOverhead(s, mode)?.overhead === 'number').map((s) => s.load)))
    .filter((c) => c.size > 0);
  if (!counts.length) return undefined;
  const shared = [...counts[0]!].filter((w) => counts.every((c) => c.has(w)));
  if (shared.includes(OVERHEAD_RANK_WORKERS)) return OVERHEAD_RANK_WORKERS;
  return shared.length ? Math.max(...shared) : undefined;
}

function overheadModesOf(runs: Source[]): OverheadMode[] {
  const modes = new Set(runs.flatMap((s) => runOverheadModes(s.r)));
  return (['pool', 'spawn'] as const).filter((m) => modes.has(m));
}

/** Per row, the first run's figure of one kind (runs in the order given). */
function firstOf<K extends RowFinding['kind']>(rows: Map<string, RowFinding[]>, kind: K, pick: (f: Extract<RowFinding, { kind: K }>) => boolean = () => true) {
  const out: { row: string; f: Extract<RowFinding, { kind: K }> }[] = [];
  for (const [row, items] of rows) {
    const f = items.find((i): i is Extract<RowFinding, { kind: K }> => i.kind === kind && pick(i as Extract<RowFinding, { kind: K }>));
    if (f) out.push({ row, f });
  }
  return out;
}

function basisOf(runs: string[], what: string): string {
  const set = [...new Set(runs)];
  return `${what}; ${set.join(', ')}`;
}

function efficiencyRanking(rows: Map<string, RowFinding[]>): Ranking {
  const list = firstOf(rows, 'efficiency', (f) => !f.suspect).sort((a, b) => b.f.rps_per_cpu_second - a.f.rps_per_cpu_second);
  return {
    question: 'Most req/s per server CPU-second', unit: 'req/s per CPU-second', order: 'highest first',
    basis: basisOf(list.map((x) => x.f.run), 'at each row\'s peak step, CPU over the step\'s window'),
    entries: list.map(({ row, f }) => ({ row, value: f.rps_per_cpu_second, run: f.run, text: `${fmt(f.rps_per_cpu_second, 0)} (${fmt(f.rps, 0)} req/s on ${fmt(f.cores, 2)} cores at ${f.load} ${f.unit})` })),
  };
}

function idleRanking(rows: Map<string, RowFinding[]>): Ranking {
  const list = firstOf(rows, 'idle', (f) => f.bytes_per_connection !== null).sort((a, b) => a.f.bytes_per_connection! - b.f.bytes_per_connection!);
  return {
    question: 'Least memory per idle connection', unit: 'RSS bytes per connection', order: 'lowest first',
    basis: basisOf(list.map((x) => x.f.run), 'at the step with the most connections open'),
    entries: list.map(({ row, f }) => ({ row, value: f.bytes_per_connection!, run: f.run,
      text: `${formatBytes(f.bytes_per_connection)} (${f.threads_per_connection === null ? '-' : fmt(f.threads_per_connection, 3)} threads per connection, ${f.connections} open)` })),
  };
}

function overheadRanking(rows: Map<string, RowFinding[]>, mode: OverheadMode): Ranking {
  const list = firstOf(rows, 'overhead', (f) => f.mode === mode).sort((a, b) => a.f.overhead - b.f.overhead);
  const workers = [...new Set(list.map((x) => x.f.workers))];
  return {
    question: `Lowest overhead at ${workers.join(' / ')} workers, ${mode} mode`, unit: 'elapsed / ideal, 1.00 = a perfect pool', order: 'lowest first',
    basis: basisOf(list.map((x) => x.f.run), workers.includes(OVERHEAD_RANK_WORKERS) ? `${mode} mode only` : `${OVERHEAD_RANK_WORKERS} workers not measured by every row: the largest count they all measured`),
    entries: list.map(({ row, f }) => ({ row, value: f.overhead, run: f.run, text: ratio(f.overhead) })),
  };
}

function cpusOf(sources: { ref: RunRef }[], run: string): number | string {
  return sources.find((s) => s.ref.run === run)?.ref.cpus ?? '?';
}

/** A share of the ideal line: 2 digits, 3 when 2 would round a step under the knee up to it. */
function share(v: number): string {
  return v < KNEE_FIDELITY && v.toFixed(2) === KNEE_FIDELITY.toFixed(2) ? v.toFixed(3) : v.toFixed(2);
}

function fmt(v: number, digits: number): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '-';
}
