import { formatBytes, formatMs } from '../core/units.js';
import { RESULT_VIEWS } from '../executors/registry.js';
import type { RunResults, StepResult } from '../model/results.js';

// `lab compare A B`: B against A, per target and per step (matched by load), for the three
// figures that tell a story: throughput, p99 and memory.

export interface Change {
  a: number | null;
  b: number | null;
  delta: number | null;
  /** (b - a) / a in percent; null when a is 0 or missing. */
  pct: number | null;
}

export interface StepComparison {
  target: string;
  load: number;
  rps: Change;
  p99_ms: Change;
  rss_bytes: Change;
  /** Present in only one of the runs. */
  only?: 'a' | 'b';
}

export function compareResults(a: RunResults, b: RunResults): StepComparison[] {
  const out: StepComparison[] = [];
  const names = [...new Set([...a.targets.map((t) => t.name), ...b.targets.map((t) => t.name)])];
  for (const name of names) {
    const sa = stepsByLoad(a, name);
    const sb = stepsByLoad(b, name);
    const loads = [...new Set([...sa.keys(), ...sb.keys()])].sort((x, y) => x - y);
    for (const load of loads) {
      const x = sa.get(load);
      const y = sb.get(load);
      out.push({
        target: name,
        load,
        rps: change(x?.rps, y?.rps),
        p99_ms: change(x?.latency_ms.p99, y?.latency_ms.p99),
        rss_bytes: change(rssOf(x), rssOf(y)),
        ...(x && !y ? { only: 'a' as const } : !x && y ? { only: 'b' as const } : {}),
      });
    }
  }
  return out;
}

/** The memory a view measures best (idle connections: RSS after opening them), else the peak RSS. */
function rssOf(s: StepResult | undefined): number | null | undefined {
  if (!s) return undefined;
  for (const v of RESULT_VIEWS) {
    const own = v.rssBytes?.(s);
    if (own !== null && own !== undefined) return own;
  }
  return s.server.rss_bytes_peak;
}

function stepsByLoad(r: RunResults, name: string): Map<number, StepResult> {
  return new Map((r.targets.find((t) => t.name === name)?.steps ?? []).map((s) => [s.load, s]));
}

function change(a: number | null | undefined, b: number | null | undefined): Change {
  const x = a ?? null;
  const y = b ?? null;
  const delta = x !== null && y !== null ? y - x : null;
  return { a: x, b: y, delta, pct: delta !== null && x ? (100 * delta) / x : null };
}

/** A plain-text table for the terminal. */
export function formatComparison(rows: StepComparison[], labelA: string, labelB: string): string {
  const header = ['target', 'load', 'req/s A', 'req/s B', 'Δ req/s', 'p99 A', 'p99 B', 'Δ p99', 'RSS A', 'RSS B', 'Δ RSS'];
  const body = rows.map((r) => [
    r.target, String(r.load) + (r.only ? ` (only ${r.only.toUpperCase()})` : ''),
    n(r.rps.a), n(r.rps.b), signed(r.rps.delta, (v) => v.toFixed(1), r.rps.pct),
    formatMs(r.p99_ms.a), formatMs(r.p99_ms.b), signed(r.p99_ms.delta, formatMs, r.p99_ms.pct),
    formatBytes(r.rss_bytes.a), formatBytes(r.rss_bytes.b), signed(r.rss_bytes.delta, formatBytes, r.rss_bytes.pct),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [`A = ${labelA}`, `B = ${labelB}`, '', line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

function n(v: number | null): string {
  return v === null ? '-' : v.toFixed(1);
}

function signed(delta: number | null, fmt: (v: number) => string, pct: number | null): string {
  if (delta === null) return '-';
  const sign = delta > 0 ? '+' : delta < 0 ? '-' : '±';
  return `${sign}${fmt(Math.abs(delta))}${pct === null ? '' : ` (${pct >= 0 ? '+' : ''}${pct.toFixed(1)}%)`}`;
}
