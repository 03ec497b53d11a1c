import { formatBytes, formatMs } from '../scenario/units.js';
import { overheadCrossovers } from './crossover.js';
import { crossCheckLines } from './cross-check-table.js';
import { errorPercent, fidelity, loadLabel } from './derived.js';
import type { RunResults, StepResult } from './types.js';
import type { ThresholdCheck } from './verdict.js';

/** summary.md: what was run, where, the numbers per target, the verdict, and every warning. */
export function resultsToMarkdown(r: RunResults, checks: ThresholdCheck[], charts: string[] = []): string {
  const env = r.environment;
  const out: string[] = [];
  out.push(`# ${r.scenario.name} (${r.scenario.executor})`, '');
  if (typeof r.scenario.description === 'string' && r.scenario.description) out.push(r.scenario.description, '');
  out.push(
    `- status: **${r.status}**, started ${r.started_at}${r.finished_at ? `, finished ${r.finished_at}` : ''}`,
    `- machine: ${env.cpus} CPUs${env.cpu_model ? ` (${env.cpu_model})` : ''}, ${formatBytes(env.memory)}, ${env.os}`,
    `- node ${env.node}, python ${env.python ?? 'not found'}, runtime ${env.runtime}`,
    r.upstream_delay_ms !== null ? `- upstream delay: ${r.upstream_delay_ms} ms (ideal line = ${r.load_unit} / delay)` : '',
    '',
  );
  for (const t of r.targets) {
    out.push(`## ${t.name}`, '', `${t.model}${t.failed ? ` — **failed: ${t.failed}**` : ''}`, '');
    if (t.steps.length === 0) {
      out.push('_no step completed_', '');
      continue;
    }
    out.push(...stepTable(r, t.steps), '');
    out.push(...crossCheckLines(t.steps, table));
  }
  if (r.targets.some((t) => t.steps.some((s) => s.overhead))) out.push(...crossoverSection(r));
  out.push('## Thresholds', '');
  if (checks.length === 0) out.push('_none set_', '');
  for (const c of checks) {
    out.push(`- ${c.passed ? 'PASS' : 'FAIL'} \`${c.threshold}\` (${c.checked} steps checked)`);
    for (const f of c.failures.slice(0, 20)) out.push(`  - ${f}`);
  }
  out.push('');
  const warnings = r.targets.flatMap((t) => t.steps.flatMap((s) => s.warnings.map((w) => `${t.name} @ ${s.load}: ${w}`)));
  out.push('## Warnings', '', ...(warnings.length ? warnings.map((w) => `- ${w}`) : ['_none_']), '');
  if (charts.length) {
    out.push('## Charts', '');
    // PNG: what every Markdown viewer shows; the SVG of each chart sits beside it.
    for (const c of charts) out.push(`![${c}](${c}.png)`, '');
  }
  return out.filter((l, i, a) => !(l === '' && a[i - 1] === '')).join('\n');
}

function stepTable(r: RunResults, steps: StepResult[]): string[] {
  const load = loadLabel(r.load_unit);
  if (steps[0]!.idle) {
    return table(
      [load, 'open', 'RSS before', 'RSS after', 'bytes/conn', 'threads/conn', 'units after'],
      steps.map((s) => [s.load, s.idle!.connections_open, formatBytes(s.idle!.rss_bytes_before), formatBytes(s.idle!.rss_bytes_after),
        s.idle!.bytes_per_connection === null ? '-' : formatBytes(s.idle!.bytes_per_connection), num(s.idle!.threads_per_connection, 3), num(s.idle!.units_after, 0)]),
    );
  }
  if (steps[0]!.overhead) {
    return table(
      ['workers', 'tasks', 'sleep ms', 'elapsed s', 'ideal s', 'elapsed / ideal', 'server CPU s', 'threads peak'],
      steps.map((s) => [s.load, s.overhead!.tasks, s.overhead!.sleep_ms, num(s.overhead!.elapsed_s, 3), num(s.overhead!.ideal_s, 3),
        ratio(s.overhead!.overhead), num(s.server.cpu_seconds, 2), num(s.server.os_threads_peak, 0)]),
    );
  }
  return table(
    [load, 'requests', 'req/s', 'ideal', 'achieved/ideal', 'p50', 'p90', 'p99', 'max', 'errors', 'server CPU s', 'RSS peak', 'threads', 'units', 'loadgen CPU s'],
    steps.map((s) => {
      const f = fidelity(s);
      return [s.load, s.requests, num(s.rps, 1), num(s.ideal_rps, 1), f === null ? '-' : f.toFixed(2),
        formatMs(s.latency_ms.p50), formatMs(s.latency_ms.p90), formatMs(s.latency_ms.p99), formatMs(s.latency_ms.max),
        `${errorPercent(s).toFixed(2)}%`, num(s.server.cpu_seconds, 2), formatBytes(s.server.rss_bytes_peak), num(s.server.os_threads_peak, 0),
        num(s.server.concurrency_units_peak, 0), `${num(s.loadgen.cpu_seconds, 2)}${s.loadgen.saturated ? ' (saturated)' : ''}`];
    }),
  );
}

function crossoverSection(r: RunResults): string[] {
  const xs = overheadCrossovers(r);
  const out = ['## Overhead crossovers', '',
    'Overhead is elapsed / ideal (1.00 = a perfect pool). Row A crosses row B at C workers when A\'s overhead was at most B\'s at the smallest worker count and, from C on, stays more than 10% above B\'s.', ''];
  if (xs.length === 0) out.push('_no crossover: the curves keep their order_');
  for (const x of xs) out.push(`- ${x.rising} crosses ${x.other} at ${x.workers} workers (${ratio(x.rising_overhead)} vs ${ratio(x.other_overhead)})`);
  out.push('');
  return out;
}

/** elapsed / ideal, e.g. `1.18x`. */
export function ratio(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '-' : `${v.toFixed(2)}x`;
}

function num(v: number | null | undefined, digits: number): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits);
}

export function table(header: string[], rows: unknown[][]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => ' --- ').join('|')}|`,
    ...rows.map((r) => `| ${r.map((c) => String(c ?? '-')).join(' | ')} |`),
  ];
}
