import { formatBytes } from '../../core/units.js';
import { basisOf, firstOf, fmt, type FindingSource, type Ranking, type RowFinding } from '../../model/findings.js';
import type { RunResults, StepResult } from '../../model/results.js';
import type { FindingsPart } from '../common/view.js';

// What idle-connections runs tell in the Findings: threads and bytes per idle connection per row, and who needs least.

export type IdleFinding = { kind: 'idle'; run: string; connections: number; threads_per_connection: number | null; bytes_per_connection: number | null; text: string };

export const idleFindings: FindingsPart = {
  applies: isIdleRun,
  row: (s, t) => [idleFinding(s, t.steps)],
  rankings: (rows) => [idleRanking(rows)],
  missing: (sources) => (sources.some((s) => isIdleRun(s.r)) || !sources.length ? []
    : ['no idle-connections run: threads and bytes per idle connection need one (`lab run idle-connections`)']),
};

/** The step with the most connections open: the fixed cost of the process weighs least there. */
function idleFinding(s: FindingSource, steps: StepResult[]): RowFinding | undefined {
  const usable = steps.filter((x) => x.idle_connections && x.idle_connections.connections_open > 0 && (x.idle_connections.bytes_per_connection !== null || x.idle_connections.threads_per_connection !== null));
  const top = usable.reduce<StepResult | undefined>((a, b) => (!a || b.idle_connections!.connections_open > a.idle_connections!.connections_open ? b : a), undefined);
  if (!top) return undefined;
  const i = top.idle_connections!;
  return { kind: 'idle', run: s.ref.run, connections: i.connections_open, threads_per_connection: i.threads_per_connection, bytes_per_connection: i.bytes_per_connection,
    text: `${i.threads_per_connection === null ? '-' : fmt(i.threads_per_connection, 3)} threads and ${i.bytes_per_connection === null ? '-' : formatBytes(i.bytes_per_connection)} per idle connection (at ${i.connections_open} open; ${s.ref.run})` };
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

function isIdleRun(r: RunResults): boolean {
  return r.targets.some((t) => t.steps.some((x) => x.idle_connections));
}

/** Adds its findings to RowFinding (model/findings.ts names no executor). */
declare module '../../model/findings.js' {
  interface RowFindingKinds {
    'idle-connections': IdleFinding;
  }
}
