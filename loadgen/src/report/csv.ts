import { RESULT_VIEWS } from '../executors/registry.js';
import { errorCount, errorPercent } from '../model/derived.js';
import type { RunResults } from '../model/results.js';
import { round3 as round } from '../draw/markdown.js';

// results.csv: the fields every step has, then each result view's columns (executors/common/view.ts
// csv), in registry order, for every run, so that every results.csv has the same header.

const STEP_COLUMNS = [
  'target', 'model', 'load', 'requests', 'duration_s', 'rps', 'ideal_rps',
  'p50_ms', 'p90_ms', 'p99_ms', 'p999_ms', 'max_ms',
  'errors', 'error_pct', 'timeouts', 'non2xx', 'connection_errors',
  'server_cpu_s', 'rss_bytes_peak', 'os_threads_peak', 'context_switches', 'concurrency_units_peak',
  'loadgen_cpu_s', 'loadgen_saturated',
] as const;

const VIEW_CSV = RESULT_VIEWS.flatMap((v) => (v.csv ? [v.csv] : []));

/** One row per target and step, and per row a view asks for (e.g. per /overhead mode); RFC 4180 quoting. */
export function resultsToCsv(r: RunResults): string {
  const rows: string[] = [[...STEP_COLUMNS, ...VIEW_CSV.flatMap((c) => c.columns), 'warnings'].join(',')];
  for (const t of r.targets) {
    for (const s of t.steps) {
      const base: unknown[] = [
        t.name, t.model, s.load, s.requests, s.duration_s, round(s.rps), round(s.ideal_rps),
        round(s.latency_ms.p50), round(s.latency_ms.p90), round(s.latency_ms.p99), round(s.latency_ms.p999), round(s.latency_ms.max),
        errorCount(s.errors), round(errorPercent(s)), s.errors.timeouts, s.errors.non2xx, s.errors.connection,
        round(s.server.cpu_seconds), s.server.rss_bytes_peak, s.server.os_threads_peak, s.server.context_switches, s.server.concurrency_units_peak,
        round(s.loadgen.cpu_seconds), s.loadgen.saturated,
      ];
      // Each view gives its cells as a list per CSV row (none: blanks); the step has a row per combination.
      let lines: unknown[][] = [base];
      for (const c of VIEW_CSV) {
        const own = c.rows(s);
        const parts = own.length ? own : [c.columns.map(() => null)];
        lines = lines.flatMap((l) => parts.map((p) => [...l, ...p]));
      }
      for (const l of lines) rows.push([...l, s.warnings.join(' | ')].map(cell).join(','));
    }
  }
  return rows.join('\n') + '\n';
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
