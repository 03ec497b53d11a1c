import assert from 'node:assert/strict';
import { ScenarioError } from '../../src/model/problems.js';
import { parseScenarioText } from '../../src/scenario/load.js';

/** The problems of a scenario that must be refused, as `path: message` lines (fails when it is accepted). */
export function scenarioProblems(text: string): string[] {
  try {
    parseScenarioText(text);
  } catch (err) {
    assert.ok(err instanceof ScenarioError, String(err));
    return err.problems.map((p) => `${p.path}: ${p.message}`);
  }
  assert.fail('the scenario was accepted');
}
