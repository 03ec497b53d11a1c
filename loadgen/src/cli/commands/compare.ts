import type { Command } from '../command.js';
import { EXIT, LabError } from '../../core/errors.js';
import { compareRuns } from '../../report/compare.js';
import { formatComparison } from '../../report/compare-text.js';
import { readResults } from '../../results/files.js';

export const compareCommand: Command = {
  name: 'compare',
  summary: 'per target and step, how each figure of the executor changed from run A to run B',
  usage: [
    'Usage: lab compare <run folder A> <run folder B> [--json]',
    '',
    'Matches steps by target and load; prints one table per figure the executor publishes',
    '(req/s, latency and errors of a load step, overhead per mode, bytes and threads per idle',
    'connection, recovery per event) with the change B - A. With trials on both sides the change',
    'carries the Mann-Whitney p and reads ~ when it is not significant (p >= 0.05); with one trial',
    'a side the table says it cannot tell the change from noise.',
    'Exit codes: 0 compared, 2 a folder is not a readable results folder.',
  ].join('\n'),
  options: { json: { type: 'boolean' } },
  allowPositionals: true,
  async run(values, positionals) {
    if (positionals.length !== 2) throw new LabError(`lab compare takes two run folders, got ${positionals.length}\n\n${compareCommand.usage}`);
    const [dirA, dirB] = positionals as [string, string];
    const a = readResults(dirA);
    const b = readResults(dirB);
    const c = compareRuns(a, b);
    if (c.warning) console.error(`warning: ${c.warning}`);
    if (values.json === true) console.log(JSON.stringify(c, null, 2));
    else console.log(formatComparison(c, `${dirA} (${a.scenario.name}, ${a.started_at})`, `${dirB} (${b.scenario.name}, ${b.started_at})`));
    return EXIT.ok;
  },
};
