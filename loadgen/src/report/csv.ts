import { errorCount, errorPercent } from '../results/derived.js';
import { stepOverheads } from '../results/overhead-modes.js';
import type { RunResults } from '../results/types.js';

const COLUMNS = [
  'target', 'model', 'load', 'requests', 'duration_s', 'rps', 'ideal_rps',
  'p50_ms', 'p90_ms', 'p99_ms', 'p999_ms', 'max_ms',
  'errors', 'error_pct', 'timeouts', 'non2xx', 'connection_errors',
  'server_cpu_s', 'rss_bytes_peak', 'os_threads_peak', 'context_switches', 'concurrency_units_peak',
  'loadgen_cpu_s', 'loadgen_saturated',
  'idle_bytes_per_connection', 'idle_threads_per_connection',
  'overhead_mode', 'overhead_elapsed_s', 'overhead_ideal_s', 'overhead',
  'warnings',
] as const;

/** One row per target and step, and per /overhead mode of an overhead step (RFC 4180 quoting). */
export function resultsToCsv(r: RunResults): string {
  const rows: string[] = [COLUMNS.join(',')];
  for (const t of r.targets) {
    // An overhead step measured one or more modes: a row per mode, so no line mixes them.
    for (const s of t.steps) for (const o of orNone(stepOverheads(s))) {
      const values: unknown[] = [
        t.name, t.model, s.load, s.requests, s.duration_s, round(s.rps), round(s.ideal_rps),
        round(s.latency_ms.p50), round(s.latency_ms.p90), round(s.latency_ms.p99), round(s.latency_ms.p999), round(s.latency_ms.max),
        errorCount(s.errors), round(errorPercent(s)), s.errors.timeouts, s.errors.non2xx, s.errors.connection,
        round(s.server.cpu_seconds), s.server.rss_bytes_peak, s.server.os_threads_peak, s.server.context_switches, s.server.concurrency_units_peak,
        round(s.loadgen.cpu_seconds), s.loadgen.saturated,
        round(s.idle?.bytes_per_connection), round(s.idle?.threads_per_connection),
        o?.mode, round(o?.elapsed_s), round(o?.ideal_s), round(o?.overhead ?? null),
        s.warnings.join(' | '),
      ];
      rows.push(values.map(cell).join(','));
    }
  }
  return rows.join('\n') + '\n';
}

function orNone<T>(list: T[]): (T | undefined)[] {
  return list.length ? list : [undefined];
}

function round(v: number | null | undefined): number | null {
  return v === null || v === undefined ? null : Math.round(v * 1000) / 1000;
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
