import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { overheadCrossovers } from '../../src/executors/overhead-crossover.js';
import { runOverheadModes, stepOverheads } from '../../src/executors/overhead-modes.js';
import { readResults, runDirName, writeResults } from '../../src/results/files.js';
import { resultsProblems } from '../../src/results/validate.js';
import { evaluateThresholds } from '../../src/results/verdict.js';
import { RESULTS_SCHEMA_VERSION } from '../../src/results/types.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { fixtureOverhead, fixtureResults } from './fixture.js';

describe('results model', () => {
  it('a well-formed results.json matches schema 1; broken ones do not', () => {
    assert.deepEqual(resultsProblems(fixtureResults()), []);
    const broken = fixtureResults() as unknown as { schema_version: number; targets: { steps: { latency_ms: unknown; rps: unknown }[] }[] };
    broken.schema_version = 3;
    broken.targets[0]!.steps[0]!.rps = 'fast';
    delete (broken.targets[1]!.steps[0] as Record<string, unknown>).latency_ms;
    const problems = resultsProblems(broken);
    assert.ok(problems.some((p) => p.startsWith('/schema_version')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('/targets/0/steps/0/rps')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes("latency_ms")), problems.join('\n'));
  });

  it('writes atomically (no temp file left) and reads back; rejects non-results folders with exit 2', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lab-results-'));
    writeResults(dir, fixtureResults());
    assert.deepEqual(readdirSync(dir), ['results.json']);
    assert.equal(readResults(dir).targets.length, 2);
    assert.throws(() => readResults(path.join(dir, 'nope')), (e: Error & { exitCode?: number }) => e.exitCode === 2 && /does not exist/.test(e.message));
    writeFileSync(path.join(dir, 'results.json'), '{"schema_version": 1');
    assert.throws(() => readResults(dir), /not valid JSON/);
    writeFileSync(path.join(dir, 'results.json'), '{"schema_version": 7}');
    assert.throws(() => readResults(dir), /does not match results schema 1/);
  });

  it('run folder names are sortable UTC times', () => {
    assert.equal(runDirName('io-ramp', new Date('2026-01-02T03:04:05.678Z')), '2026-01-02T03-04-05Z_io-ramp');
  });




  it('thresholds fail on the step that breaks them, and only there', () => {
    const checks = evaluateThresholds(fixtureResults());
    const p99 = checks.find((c) => c.threshold === 'p99 < 2s')!;
    assert.equal(p99.passed, false);
    assert.deepEqual(p99.failures, ['python-threads @ 100: p99 = 2.40s']);
    assert.equal(p99.checked, 6);
    assert.equal(checks.find((c) => c.threshold === 'errors < 1%')!.passed, true);
  });

  it('overhead modes: the schema takes mode and overhead_modes; results without a mode read as spawn', () => {
    assert.deepEqual(resultsProblems(fixtureOverhead()), []);
    const bad = fixtureOverhead() as unknown as { targets: { steps: { overhead_modes: { mode: string }[] }[] }[] };
    bad.targets[0]!.steps[0]!.overhead_modes[1]!.mode = 'fork';
    assert.ok(resultsProblems(bad).some((p) => p.includes('/targets/0/steps/0/overhead_modes/1/mode')), resultsProblems(bad).join('\n'));
    const legacy = readResults(path.join(REPO_ROOT, 'loadgen', 'test', 'fixtures', 'runs', 'overhead-2026-11'));
    assert.ok(legacy.targets.every((t) => t.steps.every((s) => s.overhead && s.overhead.mode === undefined && s.overhead_modes === undefined)), 'the first README run predates modes');
    assert.deepEqual(runOverheadModes(legacy), ['spawn']);
    assert.deepEqual(stepOverheads(legacy.targets[0]!.steps[0]!).map((o) => o.mode), ['spawn']);
    assert.ok(overheadCrossovers(legacy).every((x) => x.mode === 'spawn'));
  });


  it('the schema file is valid JSON and pins schema_version 2, with 1 still read', () => {
    const schema = JSON.parse(readFileSync(new URL('../../../src/results/results.schema.json', import.meta.url), 'utf8'));
    assert.deepEqual(schema.properties.schema_version.enum, [1, 2]);
    assert.equal(RESULTS_SCHEMA_VERSION, 2);
    assert.deepEqual(resultsProblems({ ...fixtureResults(), schema_version: 1 }), [], 'a schema 1 results.json still loads');
  });
});
