import { formatBytes } from '../core/units.js';
import { ownerView, RESULT_VIEWS } from '../executors/registry.js';
import { noiseLines } from './noise.js';
import type { Table } from '../draw/markdown.js';
import type { Environment, RunResults, StepResult } from '../model/results.js';
import type { ThresholdCheck } from '../results/verdict.js';
import { table } from '../draw/markdown.js';
import { timelineSections } from './timeline-summary.js';

export { table };

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
    `- machine: ${machineText(env)}`,
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
    out.push(...stepTableLines(r, t.steps, table));
  }
  out.push(...runSectionLines(r, table));
  out.push(...timelineSections(r, table));
  if (findings.length) out.push(...findings, '');
  out.push(...thresholdLines(checks), ...warningLines(r));
  if (charts.length) {
    out.push('## Charts', '');
    // PNG: what every Markdown viewer shows; the SVG of each chart sits beside it.
    for (const c of charts) out.push(`![${c}](${c}.png)`, '');
  }
  return out.filter((l, i, a) => !(l === '' && a[i - 1] === '')).join('\n');
}

/** e.g. "2 CPUs (Intel(R) Xeon(R) Processor), 23.5 GiB, Linux 6.18 x64". */
export function machineText(env: Environment): string {
  return `${env.cpus} CPUs${env.cpu_model ? ` (${env.cpu_model})` : ''}, ${formatBytes(env.memory)}, ${env.os}`;
}

/** A target's steps as the views draw them, with `table` (Markdown here, HTML in report/html). */
export function stepTableLines(r: RunResults, steps: StepResult[], table: Table): string[] {
  // The view that owns the target's steps draws their table; every view may add lines after it.
  const out = [...ownerView(steps).stepTable!(r, steps, table), ''];
  for (const v of RESULT_VIEWS) out.push(...(v.afterStepTable?.(steps, table) ?? []));
  out.push(...noiseLines(steps, table));
  return out;
}

/** The sections of the views that own a step of the run (e.g. the overhead crossovers). */
export function runSectionLines(r: RunResults, table: Table): string[] {
  const steps = r.targets.flatMap((t) => t.steps);
  return RESULT_VIEWS.flatMap((v) => (v.runSection && v.owns && steps.some((s) => v.owns!(s)) ? v.runSection(r, table) : []));
}

/** The Thresholds section: PASS/FAIL per threshold, with its first failures (summary.md and report.html). */
export function thresholdLines(checks: ThresholdCheck[]): string[] {
  const out = ['## Thresholds', ''];
  if (checks.length === 0) out.push('_none set_', '');
  for (const c of checks) {
    out.push(`- ${c.passed ? 'PASS' : 'FAIL'} \`${c.threshold}\` (${c.checked} steps checked)`);
    for (const f of c.failures.slice(0, 20)) out.push(`  - ${f}`);
  }
  out.push('');
  return out;
}

/** The Warnings section: every step's warnings, named by target and load. */
export function warningLines(r: RunResults): string[] {
  const warnings = r.targets.flatMap((t) => t.steps.flatMap((s) => s.warnings.map((w) => `${t.name} @ ${s.load}: ${w}`)));
  return ['## Warnings', '', ...(warnings.length ? warnings.map((w) => `- ${w}`) : ['_none_']), ''];
}
