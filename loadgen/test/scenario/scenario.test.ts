import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { listScenarios, loadScenario, parseScenarioText, resolveScenarioPath, SCENARIOS_DIR } from '../../src/scenario/load.js';
import { ScenarioError } from '../../src/model/problems.js';
import { parseThreshold } from '../../src/model/thresholds.js';
import { parseDurationSeconds, parseSizeBytes } from '../../src/core/units.js';
import { runLab } from '../helpers/processes.js';

const VALID = `name: ok-one
executor: connections-sweep
steps: [1, 10]
duration: 2s
`;

function problemsOf(text: string, knownTargets?: string[]): ScenarioError {
  try {
    parseScenarioText(text, 'x.yaml', { knownTargets });
  } catch (err) {
    assert.ok(err instanceof ScenarioError, `expected a ScenarioError, got ${String(err)}`);
    return err;
  }
  assert.fail('the scenario was accepted');
}

describe('scenario validation', () => {
  it('accepts a minimal scenario and fills the defaults', () => {
    const s = parseScenarioText(VALID);
    assert.equal(s.durationS, 2);
    assert.equal(s.warmupS, 0);
    assert.equal(s.targets, 'all');
    assert.equal(s.request.text, 'hello my friend');
    assert.deepEqual(s.thresholds, []);
  });

  it('every shipped scenario is valid', () => {
    const list = listScenarios();
    for (const name of ['io-ramp', 'line-ramp', 'overhead', 'idle-connections', 'cpu-bound', 'quick']) {
      const found = list.find((s) => s.name === name);
      assert.ok(found, `${name} is shipped`);
      assert.doesNotMatch(found.description, /^invalid/, `${name}: ${found.description}`);
    }
    assert.equal(loadScenario('io-ramp').steps.at(-1), 1000);
  });

  it('a bare name finds the shipped scenario even when a folder of that name is in the way', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lab-cwd-'));
    mkdirSync(path.join(dir, 'quick'));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      assert.equal(resolveScenarioPath('quick'), path.join(SCENARIOS_DIR, 'quick.yaml'));
    } finally {
      process.chdir(cwd);
    }
  });

  it('quick stays under 90 s for 8 rows', () => {
    const s = loadScenario('quick');
    const perRow = s.steps.length * (s.durationS + s.warmupS + s.cooldownS);
    assert.ok(perRow * 8 < 90, `quick takes ${perRow * 8} s of load for 8 rows`);
  });

  it('reports every problem at once, each with its key path and line', () => {
    const err = problemsOf(
      [
        'name: Bad_Name',
        'executor: nope',
        'colour: blue',
        'request: { text: hi, bar: 2 }',
        'steps: [1, -2, 1.5, 0]',
        'duration: 10x',
        'warmup: soon',
        'thresholds: ["p99 < 2s", "p99 < 2 parsecs", "errors < 1", "rps > many", "p50 <= 150ms"]',
        'targets: [ghost]',
      ].join('\n'),
      ['node-eventloop'],
    );
    const byPath = new Map(err.problems.map((p) => [p.path, p]));
    const expect = (pathKey: string, re: RegExp, line: number) => {
      const p = byPath.get(pathKey);
      assert.ok(p, `no problem reported at ${pathKey}; got ${err.message}`);
      assert.match(p.message, re);
      assert.equal(p.line, line, `line of ${pathKey}`);
    };
    expect('name', /\[a-z0-9-\]/, 1);
    expect('executor', /connections-sweep/, 2);
    expect('colour', /unknown key/, 3);
    expect('request.bar', /unknown key 'bar'/, 4);
    expect('steps[1]', /must be a positive integer/, 5);
    expect('steps[2]', /must be a positive integer/, 5);
    expect('steps[3]', /must be a positive integer/, 5);
    expect('duration', /not a duration/, 6);
    expect('warmup', /not a duration/, 7);
    expect('thresholds[1]', /not a threshold/, 8);
    expect('thresholds[2]', /percentage/, 8);
    expect('thresholds[3]', /rps takes a number/, 8);
    expect('targets[0]', /unknown target 'ghost'/, 9);
    assert.ok(!byPath.has('thresholds[0]') && !byPath.has('thresholds[4]'), 'valid thresholds are not reported');
    assert.match(err.message, /x\.yaml:5: steps\[1\]: must be a positive integer/);
    assert.equal(err.exitCode, 2);
  });

  it('reports missing required keys and executor-specific keys', () => {
    const err = problemsOf('name: x\nexecutor: overhead\n');
    const paths = err.problems.map((p) => p.path).sort();
    assert.deepEqual(paths, ['duration', 'overhead', 'steps']);
    const err2 = problemsOf(`${VALID}overhead: { tasks: 10, sleep_ms: 1 }\n`);
    assert.match(err2.message, /overhead: only applies to the overhead executor/);
  });

  it('overhead modes: both by default, pool first; an unknown or repeated mode is an error with its path', () => {
    const base = 'name: o\nexecutor: overhead\nsteps: [1, 10]\nduration: 1s\n';
    assert.deepEqual(parseScenarioText(`${base}overhead: { tasks: 10, sleep_ms: 1 }\n`).overhead!.modes, ['pool', 'spawn']);
    assert.deepEqual(parseScenarioText(`${base}overhead: { tasks: 10, sleep_ms: 1, modes: [spawn] }\n`).overhead!.modes, ['spawn']);
    const err = problemsOf(`${base}overhead: { tasks: 10, sleep_ms: 1, modes: [pool, fork, pool] }\n`);
    const byPath = new Map(err.problems.map((p) => [p.path, p.message]));
    assert.match(byPath.get('overhead.modes[1]') ?? '', /must be one of: pool, spawn/, err.message);
    assert.match(byPath.get('overhead.modes[2]') ?? '', /'pool' is listed twice/, err.message);
    assert.match(problemsOf(`${base}overhead: { tasks: 10, sleep_ms: 1, modes: [] }\n`).message, /overhead\.modes/);
    assert.deepEqual(loadScenario('overhead').overhead!.modes, ['pool', 'spawn'], 'the shipped overhead scenario runs both');
  });

  it('reports YAML syntax errors with their line', () => {
    const err = problemsOf('name: x\nsteps: [1, 2\nduration: 1s\n');
    assert.match(err.message, /YAML syntax/);
  });

  it('parses units and thresholds', () => {
    assert.equal(parseDurationSeconds('500ms'), 0.5);
    assert.equal(parseDurationSeconds('2m'), 120);
    assert.equal(parseDurationSeconds('10'), undefined);
    assert.equal(parseSizeBytes('512m'), 512 * 2 ** 20);
    assert.equal(parseSizeBytes('lots'), undefined);
    assert.deepEqual(parseThreshold('p50 <= 150ms'), { source: 'p50 <= 150ms', metric: 'p50', op: '<=', value: 150 });
    assert.deepEqual(parseThreshold('errors < 1%'), { source: 'errors < 1%', metric: 'errors', op: '<', value: 1 });
    assert.equal(typeof parseThreshold('p99 = 2s'), 'string');
  });

  it('the real CLI exits 2 and lists every problem before starting anything', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lab-scenario-'));
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'name: bad\nexecutor: connections-sweep\nsteps: [1, -5]\nduration: forever\nthresholds: ["p99 < 2 parsecs"]\nextra: 1\n');
    const res = await runLab(['run', file], { ...process.env, LAB_PORT_OFFSET: '1' }, 30_000);
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, /4 problems/);
    assert.match(res.stderr, /steps\[1\]: must be a positive integer/);
    assert.match(res.stderr, /duration: 'forever' is not a duration/);
    assert.match(res.stderr, /thresholds\[0\]/);
    assert.match(res.stderr, /extra: unknown key/);
    assert.doesNotMatch(res.stderr, /starting/, 'no service was started');

    const unknown = await runLab(['run', 'no-such-scenario'], process.env, 30_000);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no scenario 'no-such-scenario'.*known: .*io-ramp/);

    const badTarget = await runLab(['run', 'quick', '--targets', 'ghost-row'], process.env, 30_000);
    assert.equal(badTarget.code, 2);
    assert.match(badTarget.stderr, /unknown target ghost-row/);
  });
});
