import { stringify } from 'yaml';
import { formatBytes } from '../../core/units.js';
import type { RunResults } from '../../model/results.js';
import type { ThresholdCheck } from '../../results/verdict.js';
import { colourOf } from '../../draw/colours.js';
import { machineText, runSectionLines, stepTableLines, thresholdLines, warningLines } from '../summary.js';
import { blocksHtml, escapeHtml, htmlTables, inline } from './blocks.js';
import { inlineSvg } from './inline-svg.js';
import { REPORT_CSS } from './style.js';

// report.html: the run to send to someone, in one file that opens offline from disk. The same
// pieces as summary.md (the registry's views draw the tables and sections, results/findings.ts
// the Findings), charts answer first, then the tables, then how and where it was measured.
// No script and nothing fetched: the page's own Content-Security-Policy forbids any load but
// inline styles and data: images, so even a string from results that slipped through could
// not reach the network.

export interface HtmlChart {
  name: string;
  /** The chart's SVG markup (draw/render.ts renderSvg). */
  svg: string;
}

export interface HtmlReportInput {
  results: RunResults;
  checks: ThresholdCheck[];
  charts: HtmlChart[];
  /** The Findings section's Markdown lines (results/findings.ts findingsToMarkdown). */
  findings: string[];
}

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
const QUESTION = 'Concurrency Lab · threads or event loop?';

export function resultsToHtml({ results: r, checks, charts, findings }: HtmlReportInput): string {
  const tables = htmlTables();
  const targets = r.targets.map((t, i) => {
    const id = `row-${i}`;
    const body = t.steps.length ? blocksHtml(stepTableLines(r, t.steps, tables.table), tables, 1) : '<p><em>no step completed</em></p>';
    return [`<article class="target" id="${id}">`,
      `<h3><span class="swatch" style="background:${escapeHtml(colourOf(t.name))}"></span>${escapeHtml(t.name)}</h3>`,
      `<p class="model">${escapeHtml(t.model)}${t.failed ? ` <span class="failed">failed: ${escapeHtml(t.failed)}</span>` : ''}</p>`,
      body, '</article>'].join('\n');
  });
  const runSections = blocksHtml(runSectionLines(r, tables.table), tables);
  const sections: [string, string, string][] = [
    ...(charts.length ? [['charts', 'Charts', `<div class="charts">${charts.map(chartFigure).join('\n')}</div>`] as [string, string, string]] : []),
    ...(findings.length ? [['findings', 'Findings', blocksHtml(findings.slice(findings[0]?.startsWith('## ') ? 1 : 0))] as [string, string, string]] : []),
    ['rows', 'Per row', targets.join('\n') || '<p><em>no target</em></p>'],
    ...(runSections ? [['run', 'Across rows', runSections] as [string, string, string]] : []),
    ['thresholds', 'Thresholds', blocksHtml(thresholdLines(checks).slice(1))],
    ['warnings', 'Warnings', blocksHtml(warningLines(r).slice(1))],
    ['environment', 'Environment', environmentHtml(r)],
    ['scenario', 'Scenario', `<pre class="scenario">${escapeHtml(stringify(r.scenario))}</pre>`],
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${r.scenario.name}: ${QUESTION}`)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
${headerHtml(r)}
<nav class="toc">${sections.map(([id, title]) => `<a href="#${id}">${title}</a>`).join('')}</nav>
<main>
${sections.map(([id, title, html]) => `<section id="${id}">\n<h2>${title}</h2>\n${html}\n</section>`).join('\n')}
</main>
<footer>Written by <code>lab report</code> from this run's results.json (schema ${escapeHtml(r.schema_version)}); the same figures as summary.md and results.csv beside it.</footer>
</body>
</html>
`;
}

function headerHtml(r: RunResults): string {
  const env = r.environment;
  const description = typeof r.scenario.description === 'string' ? r.scenario.description : '';
  const meta: [string, string][] = [
    ['status', `<span class="status ${escapeHtml(r.status)}">${escapeHtml(r.status)}</span>`],
    ['date', escapeHtml(`${when(r.started_at)}${r.finished_at ? ` – ${when(r.finished_at).slice(11)}` : ''}`)],
    ['machine', escapeHtml(machineText(env))],
    ['software', escapeHtml(`node ${env.node}, python ${env.python ?? 'not found'}, ${env.runtime} runtime`)],
    ...(r.upstream_delay_ms !== null ? [['upstream delay', escapeHtml(`${r.upstream_delay_ms} ms (ideal line = ${r.load_unit} / delay)`)] as [string, string]] : []),
    ['rows', escapeHtml(String(r.targets.length))],
  ];
  return [
    '<header class="top">',
    `<p class="kicker">${escapeHtml(QUESTION)}</p>`,
    `<h1>${escapeHtml(r.scenario.name)} <span class="executor">${escapeHtml(r.scenario.executor)}</span></h1>`,
    description ? `<p class="lead">${inline(description)}</p>` : '',
    `<dl>${meta.map(([k, v]) => `<div><dt>${k}</dt><dd>${v}</dd></div>`).join('')}</dl>`,
    '</header>',
  ].join('\n');
}

/** "2026-12-01 18:48 UTC" from an ISO time; the text as it is when it is not one. */
function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function chartFigure(c: HtmlChart): string {
  return `<figure class="chart" id="chart-${escapeHtml(c.name)}">${inlineSvg(c.name, c.svg)}</figure>`;
}

function environmentHtml(r: RunResults): string {
  const env = r.environment;
  // The host name stays out: the file is meant to be sent around.
  const rows: [string, string][] = [
    ['CPUs', `${env.cpus}${env.cpu_model ? ` (${env.cpu_model})` : ''}`],
    ['memory', formatBytes(env.memory)],
    ['OS', env.os],
    ['node', env.node],
    ['python', env.python ?? 'not found'],
    ['runtime', env.runtime],
    ['started', r.started_at],
    ['finished', r.finished_at ?? '-'],
  ];
  return `<dl class="env">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`;
}
