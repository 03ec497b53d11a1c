import type { Command } from '../command.js';
import { EXIT, LabError } from '../../core/errors.js';
import { renderReport } from '../../report/render.js';
import { findingsToMarkdown } from '../../results/findings.js';
import { readResults } from '../../results/files.js';

export const reportCommand: Command = {
  name: 'report',
  summary: 're-render results.csv, summary.md (with Findings), the charts and report.html of run folders from their results.json',
  usage: [
    'Usage: lab report <run folder> [<run folder>...]',
    '',
    'Reads each <run folder>/results.json (schema 1) and rewrites its results.csv, summary.md and',
    'every chart (SVG and PNG), and report.html: the summary, Findings and charts in one page that',
    'opens offline (share that file). summary.md gets a Findings section computed from the data: per row',
    'the knee (first step under 0.9 of the ideal line), peak req/s, req/s per server CPU-second,',
    'threads and bytes per idle connection, overhead per mode and crossovers, the wrk cross-check',
    'ratio, and a ranking per question. One folder yields what its data supports.',
    'Several folders (e.g. an io-ramp, an overhead and an idle-connections run) combine into one',
    'Findings section, written into the FIRST folder\'s summary.md and report.html and printed; the other folders',
    'are re-rendered with Findings from their own data only.',
    'Exit codes: 0 written, 2 not a results folder.',
  ].join('\n'),
  options: {},
  allowPositionals: true,
  async run(_values, positionals) {
    if (positionals.length === 0) throw new LabError(`lab report takes at least one run folder\n\n${reportCommand.usage}`);
    // Read every folder before writing any: a bad one stops the report with nothing half done.
    const runs = positionals.map((dir) => ({ dir, results: readResults(dir) }));
    const all = runs.map((r) => r.results);
    for (const [i, { dir, results }] of runs.entries()) {
      const out = await renderReport(dir, results, i === 0 ? all : [results]);
      console.log(`wrote ${out.dir}/results.csv, summary.md, report.html and ${out.charts.length} charts (${out.charts.map((c) => c.name).join(', ')})`);
      for (const c of out.charts) if (c.error) console.error(`warning: ${c.name}.png not written: ${c.error}`);
      for (const c of out.checks) console.log(`threshold ${c.passed ? 'PASS' : 'FAIL'} ${c.threshold}`);
      if (i === 0) {
        if (runs.length > 1) console.log(`Findings from ${runs.length} runs, written into ${dir}/summary.md and report.html:`);
        console.log(`\n${findingsToMarkdown(out.findings).join('\n')}`);
      }
    }
    return EXIT.ok;
  },
};
