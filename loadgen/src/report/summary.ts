import { formatBytes, formatMs, ratio } from '../core/units.js';
import { modeCrossovers } from '../results/crossover.js';
import { crossCheckLines } from './cross-check-table.js';
import { errorPercent, fidelity, loadLabel } from '../results/derived.js';
import { LEGACY_OVERHEAD_MODE, runOverheadModes, stepOverhead, stepOverheads } from '../results/overhead-modes.js';
import { OVERHEAD_MODES, type OverheadMode, type RunResults, type StepResult } from '../results/types.js';
import type { ThresholdCheck } from '../results/verdict.js';

/**
 * summary.md: what was run, where, the numbers per target, the verdict, and every warning.
 * `findings`: the Findings section's lines (results/findings.ts), after the per-target tables.
 */
export function resultsToMarkdown(r: RunResults, checks: ThresholdCheck[], charts: string[] = [], findings: string[] = []): string {
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
  if (findings.length) out.push(...findings, '');
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
  if (steps.some((s) => stepOverheads(s).length)) {
    // One table per mode: pool and spawn answer different questions and are never mixed.
    // Server CPU and threads cover the whole step, i.e. every mode it measured.
    const modes = OVERHEAD_MODES.filter((m) => steps.some((s) => stepOverhead(s, m)));
    return modes.flatMap((mode) => [`**${mode}** (${MODE_MEANING[mode]})`, '', ...table(
      ['workers', 'tasks', 'sleep ms', 'elapsed s', 'ideal s', 'elapsed / ideal', 'step server CPU s', 'threads peak'],
      steps.flatMap((s) => {
        const o = stepOverhead(s, mode);
        return o ? [[s.load, o.tasks, o.sleep_ms, num(o.elapsed_s, 3), num(o.ideal_s, 3), ratio(o.overhead), num(s.server.cpu_seconds, 2), num(s.server.os_threads_peak, 0)]] : [];
      }),
    ), '']);
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

/** What each /overhead mode measures (contract/README.md, "HTTP contract"). */
export const MODE_MEANING: Record<OverheadMode, string> = {
  pool: 'C long-lived workers take tasks from a queue bounded to C: the seed\'s method',
  spawn: 'a new unit per task, at most C alive: the cost of creating units',
};

function crossoverSection(r: RunResults): string[] {
  const out = ['## Overhead crossovers', '',
    'Overhead is elapsed / ideal (1.00 = a perfect pool). Row A crosses row B at C workers when A\'s overhead was at most B\'s at the smallest worker count and, from C on, stays more than 10% above B\'s. Each mode is its own set of curves.', ''];
  if (r.targets.some((t) => t.steps.some((s) => s.overhead && !s.overhead.mode))) {
    out.push(`_These results predate /overhead modes: read as ${LEGACY_OVERHEAD_MODE} (the rows then spawned a unit per task)._`, '');
  }
  for (const mode of runOverheadModes(r)) {
    const loads = [...new Set(r.targets.flatMap((t) => t.steps.filter((s) => stepOverhead(s, mode)).map((s) => s.load)))].sort((a, b) => a - b);
    out.push(`### ${mode} mode`, '', ...table(['workers', ...r.targets.map((t) => t.name)], loads.map((w) => [w, ...r.targets.map((t) => {
      const s = t.steps.find((x) => x.load === w);
      return s ? ratio(stepOverhead(s, mode)?.overhead) : '-';
    })])), '');
    const xs = modeCrossovers(r, mode);
    if (xs.length === 0) out.push('_no crossover: the curves keep their order_');
    for (const x of xs) out.push(`- ${x.rising} crosses ${x.other} at ${x.workers} workers (${ratio(x.rising_overhead)} vs ${ratio(x.other_overhead)})`);
    out.push('');
  }
  return out;
}

/** elapsed / ideal, e.g. `1.18x`. */
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
