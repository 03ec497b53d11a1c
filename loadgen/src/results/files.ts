import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT, LabError } from '../core/errors.js';
import { writeFileAtomic } from '../core/files.js';
import type { RunResults } from '../model/results.js';
import { upgradeResults } from './upgrade.js';
import { resultsProblems } from './validate.js';

export function writeResults(dir: string, results: RunResults): void {
  writeFileAtomic(path.join(dir, 'results.json'), JSON.stringify(results, null, 2) + '\n');
}

/** `2026-11-26T02-29-06Z_io-ramp`: sortable, and safe in every file system. */
export function runDirName(name: string, at = new Date()): string {
  return `${at.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')}_${name}`;
}

/** results.json of a run folder (or the file itself), checked against schema 1; exit 2 with the reason otherwise. */
export function readResults(dirOrFile: string): RunResults {
  const file = dirOrFile.endsWith('.json') ? dirOrFile : path.join(dirOrFile, 'results.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new LabError(
      code === 'ENOENT' ? `${dirOrFile} is not a results folder: ${file} does not exist` : `cannot read ${file}: ${(err as Error).message}`,
      EXIT.badInput,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new LabError(`${file} is not valid JSON: ${(err as Error).message}`, EXIT.badInput);
  }
  // Steps written in the first layout of schema 1 are read into today's (results/upgrade.ts).
  const problems = resultsProblems(upgradeResults(data));
  if (problems.length) {
    throw new LabError(`${file} does not match the results schema (schema_version 1, 2 or 3):\n  - ${problems.slice(0, 10).join('\n  - ')}`, EXIT.badInput);
  }
  return data as RunResults;
}
