import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { RESULT_VIEWS } from '../executors/registry.js';
import type { RunResults } from '../model/results.js';

// results.schema.json holds what every step has; each result view adds the keys it writes.
const schema = JSON.parse(readFileSync(new URL('../../../src/results/results.schema.json', import.meta.url), 'utf8'));
const stepProperties = schema.definitions.step.properties as Record<string, unknown>;
for (const v of RESULT_VIEWS) {
  for (const [key, fragment] of Object.entries(v.resultSchema ?? {})) {
    if (Object.hasOwn(stepProperties, key)) throw new Error(`the step key '${key}' is declared twice in results.schema.json and the executors`);
    stepProperties[key] = fragment;
  }
}
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

/** Error messages (path: message) of a results.json that does not match schema 1; empty if it does. */
export function resultsProblems(data: unknown): string[] {
  if (validate(data)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '(top level)'}: ${e.message ?? 'invalid'}`);
}

export function isRunResults(data: unknown): data is RunResults {
  return resultsProblems(data).length === 0;
}
