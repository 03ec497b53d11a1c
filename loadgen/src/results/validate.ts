import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { RunResults } from './types.js';

const schema = JSON.parse(readFileSync(new URL('../../../src/results/results.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

/** Error messages (path: message) of a results.json that does not match schema 1; empty if it does. */
export function resultsProblems(data: unknown): string[] {
  if (validate(data)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '(top level)'}: ${e.message ?? 'invalid'}`);
}

export function isRunResults(data: unknown): data is RunResults {
  return resultsProblems(data).length === 0;
}
