import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { overheadCrossovers } from '../../src/executors/overhead/crossover.js';
import { runOverheadModes, stepOverheads } from '../../src/executors/overhead/modes.js';
import { readResults, runDirName, writeResults } from '../../src/results/files.js';
import { resultsProblems } from '../../src/results/validate.js';
import { evaluateThresholds } from '../../src/results/verdict.js';
import { RESULTS_SCHEMA_VERSION, type FigureInterval, type RunResults } from '../../src/model/results.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { fixtureOverhead, fixtureResults } from './fixture.js';

describe('results model', () => {
  it('a well-formed results.json matches schema 1; broken ones do not', () => {
    assert.deepEqual(resultsProblems(fixtureResults()), []);
    const broken = fixtureResults() as unknown as { schema_version: number; targets: { steps: { latency_ms: unknown; rps: unknown }[] }[] };
    broken.schema_version = 4;
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
    assert.throws(() => readResults(dir), /does not match the results schema \(schema_version 1, 2 or 3\)/);
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

  it('overhead modes: the schema takes overhead.modes, each with its mode; results without a mode read as spawn', () => {
    assert.deepEqual(resultsProblems(fixtureOverhead()), []);
    const bad = fixtureOverhead() as unknown as { targets: { steps: { overhead: { modes: { mode: string }[] } }[] }[] };
    bad.targets[0]!.steps[0]!.overhead.modes[1]!.mode = 'fork';
    assert.ok(resultsProblems(bad).some((p) => p.includes('/targets/0/steps/0/overhead/modes/1/mode')), resultsProblems(bad).join('\n'));
    const dir = path.join(REPO_ROOT, 'loadgen', 'test', 'fixtures', 'runs', 'overhead-2026-11');
    const raw = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')) as { targets: { steps: Record<string, { mode?: string } | undefined>[] }[] };
    assert.ok(raw.targets.every((t) => t.steps.every((s) => s.overhead && s.overhead.mode === undefined && s.overhead_modes === undefined)), 'the first README run predates modes and the one key');
    const legacy = readResults(dir);
    assert.ok(legacy.targets.every((t) => t.steps.every((s) => s.overhead!.modes.length === 1 && s.overhead!.modes[0]!.mode === undefined)), 'read as overhead.modes');
    assert.deepEqual(runOverheadModes(legacy), ['spawn']);
    assert.deepEqual(stepOverheads(legacy.targets[0]!.steps[0]!).map((o) => o.mode), ['spawn']);
    assert.ok(overheadCrossovers(legacy).every((x) => x.mode === 'spawn'));
  });

  it('results in the first layout of schema 1 (idle; overhead + overhead_modes) are read into one key per executor', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lab-results-'));
    const m = (mode: string) => ({ workers: 4, tasks: 20, sleep_ms: 5, elapsed_s: 0.03, ideal_s: 0.025, overhead: 1.2, mode });
    const idle = { connections_requested: 10, connections_open: 10, rss_bytes_before: 1, rss_bytes_after: 2, threads_before: 1, threads_after: 1, units_before: 1, units_after: 11, bytes_per_connection: 0.1, threads_per_connection: 0 };
    const old = fixtureResults() as unknown as { targets: { steps: Record<string, unknown>[] }[] };
    old.targets[0]!.steps[0]!.idle = idle;
    Object.assign(old.targets[0]!.steps[1]!, { overhead: m('pool'), overhead_modes: [m('pool'), m('spawn')] });
    writeFileSync(path.join(dir, 'results.json'), JSON.stringify(old));
    const r = readResults(dir);
    const [a, b] = r.targets[0]!.steps as unknown as Record<string, unknown>[];
    assert.deepEqual(a!.idle_connections, idle);
    assert.equal(a!.idle, undefined);
    assert.deepEqual(b!.overhead, { modes: [m('pool'), m('spawn')] });
    assert.equal(b!.overhead_modes, undefined);
    assert.deepEqual(resultsProblems(r), []);
  });


  it('the schema file is valid JSON and pins schema_version 3, with 1 and 2 still read', () => {
    const schema = JSON.parse(readFileSync(new URL('../../../src/results/results.schema.json', import.meta.url), 'utf8'));
    assert.deepEqual(schema.properties.schema_version.enum, [1, 2, 3]);
    assert.equal(RESULTS_SCHEMA_VERSION, 3);
    assert.deepEqual(resultsProblems({ ...fixtureResults(), schema_version: 1 }), [], 'a schema 1 results.json still loads');
    assert.deepEqual(resultsProblems({ ...fixtureResults(), schema_version: 2 }), [], 'a schema 2 results.json still loads');
    // Schema 3's trials and intervals are checked: an interval without n is refused.
    const withTrials = { ...fixtureResults(), schema_version: 3 } as RunResults;
    const step = withTrials.targets[0]!.steps[0]!;
    step.trials = [{ started_at: '2026-12-07T00:00:00Z', figures: { rps: step.rps } }];
    step.representative_trial = 0;
    step.intervals = { rps: { median: step.rps, lo: step.rps, hi: step.rps, n: 1, coverage: 0 } };
    assert.deepEqual(resultsProblems(withTrials), []);
    delete (step.intervals.rps as Partial<FigureInterval>).n;
    assert.ok(resultsProblems(withTrials).some((p) => p.includes('intervals/rps')), resultsProblems(withTrials).join('\n'));
  });
});
