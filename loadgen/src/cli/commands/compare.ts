import type { Command } from '../command.js';
import { EXIT, LabError } from '../../core/errors.js';
import { compareResults, formatComparison } from '../../report/compare.js';
import { readResults } from '../../results/files.js';

export const compareCommand: Command = {
  name: 'compare',
  summary: 'per target and step, how req/s, p99 and RSS changed from run A to run B',
  usage: [
    'Usage: lab compare <run folder A> <run folder B> [--json]',
    '',
    'Matches steps by target and load; prints absolute and relative changes (B - A).',
    'Exit codes: 0 compared, 2 a folder is not a readable results folder.',
  ].join('\n'),
  options: { json: { type: 'boolean' } },
  allowPositionals: true,
  async run(values, positionals) {
    if (positionals.length !== 2) throw new LabError(`lab compare takes two run folders, got ${positionals.length}\n\n${compareCommand.usage}`);
    const [dirA, dirB] = positionals as [string, string];
    const a = readResults(dirA);
    const b = readResults(dirB);
    if (a.scenario.executor !== b.scenario.executor) {
      console.error(`warning: the runs used different executors (${a.scenario.executor} vs ${b.scenario.executor}); loads may not mean the same thing`);
    }
    const rows = compareResults(a, b);
    if (values.json === true) console.log(JSON.stringify(rows, null, 2));
    else console.log(formatComparison(rows, `${dirA} (${a.scenario.name}, ${a.started_at})`, `${dirB} (${b.scenario.name}, ${b.started_at})`));
    return EXIT.ok;
  },
};
