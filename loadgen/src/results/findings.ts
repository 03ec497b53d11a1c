import { EXECUTOR_VIEWS, PLUGIN_VIEWS, RESULT_VIEWS, requestSteps } from '../executors/registry.js';
import type { FindingContext, FindingsPart } from '../executors/common/view.js';
import { rankingLines, rankWithinNoise, type FindingSource, type Findings, type Ranking, type RowFinding, type RunRef } from '../model/findings.js';
import type { RunResults } from '../model/results.js';
import { recoveryRankings, timelineFindings } from './timeline-findings.js';

// Findings computed from results, never written by hand: pure functions over one or more runs
// (e.g. an io-ramp, an overhead and an idle-connections run). Each result view (executors/common/view.ts
// findings) contributes what its runs support; every figure carries its numbers and the run it
// came from. summary.md and the web page show the same text, made here.

export type { Findings, Ranking, RowFinding, RowFindings, RunRef } from '../model/findings.js';
export { KNEE_FIDELITY, windowSeconds } from '../executors/load-common/findings.js';
export { OVERHEAD_RANK_WORKERS } from '../executors/overhead/findings.js';

const CONTEXT: FindingContext = { requestSteps };

export function computeFindings(given: RunResults[], opts: { allowBusy?: boolean } = {}): Findings {
  const quiet = given.map((r) => withoutBusySteps(r, opts.allowBusy));
  const runs = quiet.map((q) => q.r);
  const sources: FindingSource[] = runs.map((r) => ({ r, ref: runRef(r, runs) }));
  const rows = new Map<string, RowFinding[]>();
  const add = (row: string, f: RowFinding | undefined) => {
    if (!f) return;
    if (!rows.has(row)) rows.set(row, []);
    rows.get(row)!.push(f);
  };
  // Step plugins' findings (no run of their own: they ride on request-load steps) follow the
  // findings of the request-load view they rode on, row by row.
  const own = EXECUTOR_VIEWS.flatMap((v) => (v.findings ? [{ view: v, f: v.findings }] : []));
  const riders = PLUGIN_VIEWS.flatMap((v) => (v.findings ? [v.findings] : []));
  const runsOf = (f: FindingsPart) => sources.filter((s) => f.applies(s.r, CONTEXT));
  const loadRuns = own.filter((p) => p.view.measuresRequests).flatMap((p) => runsOf(p.f));

  // Rows in the order the runs name them; a row with no step at all has nothing to find.
  for (const s of sources) for (const t of s.r.targets) if (t.steps.length && !rows.has(t.name)) rows.set(t.name, []);
  for (const { view, f } of own) {
    for (const s of runsOf(f)) {
      for (const t of s.r.targets) {
        for (const x of f.row(s, t, CONTEXT)) add(t.name, x);
        if (view.measuresRequests) for (const rider of riders) for (const x of rider.row(s, t, CONTEXT)) add(t.name, x);
      }
    }
  }
  // What steps told over time (events, recovery, slopes): any executor's steps may have it.
  for (const s of sources) for (const t of s.r.targets) for (const x of timelineFindings(s, t)) add(t.name, x);
  const all = [...own.map((p) => p.f), ...riders];
  const rankings = [...all.flatMap((f) => f.rankings?.(rows) ?? []), ...recoveryRankings(rows)].filter((r) => r.entries.length > 0 || r.below_floor?.length).map(rankWithinNoise);
  const notes: string[] = quiet.flatMap((q, i) => (q.left.length ? [`${runRef(runs[i]!, runs).run}: ${q.left.length} step${q.left.length > 1 ? 's' : ''} measured on a busy machine (other programs used more than ${BUSY_FOREIGN_CORES} of a core) left out: ${q.left.join(', ')}; \`lab run --allow-busy\` (or \`allow_busy: true\`) keeps them`] : []));
  if (!sources.length) notes.push('no results to compute findings from');
  for (const f of all) notes.push(...(f.missing?.(sources, loadRuns) ?? []));
  for (const f of all) notes.push(...(f.caveats?.(rows, sources) ?? []));
  return { runs: sources.map((s) => s.ref), rows: [...rows].map(([row, items]) => ({ row, items })), rankings, notes };
}

/** The Findings section of summary.md. */
export function findingsToMarkdown(f: Findings): string[] {
  const out = ['## Findings', '',
    `Computed by \`lab report\` from ${f.runs.map((r) => `${r.run} (${r.executor}, ${r.cpus} CPUs, ${r.runtime})`).join(', ') || 'no run'}. ` +
    RESULT_VIEWS.map((v) => v.findings?.intro?.(f) ?? '').join(''), ''];
  for (const k of f.rankings) {
    out.push(`**${k.question}** (${k.unit}, ${k.order}; ${k.basis})`, '');
    out.push(...rankingLines(k));
    out.push('');
  }
  for (const r of f.rows) {
    if (!r.items.length) continue;
    out.push(`**${r.row}**`, '', ...r.items.map((i) => `- ${i.text}`), '');
  }
  if (f.notes.length) out.push('Not covered by these runs:', '', ...f.notes.map((n) => `- ${n}`), '');
  return out;
}

/** The foreign CPU above which a step is a busy machine (observe/machine-noise.ts BUSY_FOREIGN_CORES), as results keep the flag. */
const BUSY_FOREIGN_CORES = 0.05;

/** The run without its steps flagged busy_machine, unless the run (allow_busy) or the reader allows them; which were left out. */
function withoutBusySteps(r: RunResults, allow = false): { r: RunResults; left: string[] } {
  if (allow || r.scenario.allow_busy === true) return { r, left: [] };
  const left = r.targets.flatMap((t) => t.steps.filter((s) => s.busy_machine).map((s) => `${t.name} at ${s.load}`));
  if (!left.length) return { r, left };
  return { r: { ...r, targets: r.targets.map((t) => ({ ...t, steps: t.steps.filter((s) => !s.busy_machine) })) }, left };
}

function runRef(r: RunResults, all: RunResults[]): RunRef {
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
