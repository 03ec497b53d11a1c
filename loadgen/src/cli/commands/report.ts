import type { Command } from '../command.js';
import { EXIT, LabError } from '../errors.js';
import { renderReport } from '../../report/render.js';

export const reportCommand: Command = {
  name: 'report',
  summary: 're-render results.csv, summary.md and the charts of a run folder from its results.json',
  usage: [
    'Usage: lab report <run folder>',
    '',
    'Reads <run folder>/results.json (schema 1) and rewrites results.csv, summary.md and every',
    'chart (SVG and PNG). Exit codes: 0 written, 2 not a results folder.',
  ].join('\n'),
  options: {},
  allowPositionals: true,
  async run(_values, positionals) {
    if (positionals.length !== 1) throw new LabError(`lab report takes one run folder, got ${positionals.length}\n\n${reportCommand.usage}`);
    const out = await renderReport(positionals[0]!);
    console.log(`wrote ${out.dir}/results.csv, summary.md and ${out.charts.length} charts (${out.charts.map((c) => c.name).join(', ')})`);
    for (const c of out.charts) if (c.error) console.error(`warning: ${c.name}.png not written: ${c.error}`);
    for (const c of out.checks) console.log(`threshold ${c.passed ? 'PASS' : 'FAIL'} ${c.threshold}`);
    return EXIT.ok;
  },
};
