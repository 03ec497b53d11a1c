import assert from 'node:assert/strict';
import { parseScenarioText } from '../../src/scenario/load.js';
import { ScenarioError } from '../../src/model/problems.js';

/** The problems `path: message` a scenario text is refused with; fails the test when it is accepted. */
export function scenarioProblems(text: string): string[] {
  try {
    parseScenarioText(text);
  } catch (err) {
    assert.ok(err instanceof ScenarioError, String(err));
    return err.problems.map((p) => `${p.path}: ${p.message}`);
  }
  return assert.fail('the scenario was accepted');
}
