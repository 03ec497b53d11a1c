import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { overheadCrossovers } from '../../src/executors/overhead-crossover.js';
import { resultsToCsv } from '../../src/report/csv.js';
import { runOverheadModes, stepOverheads } from '../../src/executors/overhead-modes.js';
import { readResults, runDirName, writeResults } from '../../src/results/files.js';
import { resultsToMarkdown } from '../../src/report/summary.js';
import { resultsProblems } from '../../src/results/validate.js';
import { evaluateThresholds } from '../../src/results/verdict.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { fixtureOverhead, fixtureResults } from './fixture.js';

describe('results model', () => {
  it('a well-formed results.json matches schema 1; broken ones do not', () => {
    assert.deepEqual(resultsProblems(fixtureResults()), []);
    const broken = fixtureResults() as unknown as { schema_version: number; targets: { steps: { latency_ms: unknown; rps: unknown }[] }[] };
    broken.schema_version = 2;
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

  it('CSV has one row per target and step', () => {
    const csv = resultsToCsv(fixtureResults()).trim().split('\n');
    assert.equal(csv.length, 1 + 6);
    assert.match(csv[0]!, /^target,model,load,requests/);
    assert.match(csv[6]!, /^python-threads,threads,100,/);
  });

  it('thresholds fail on the step that breaks them, and only there', () => {
    const checks = evaluateThresholds(fixtureResults());
    const p99 = checks.find((c) => c.threshold === 'p99 < 2s')!;
    assert.equal(p99.passed, false);
    assert.deepEqual(p99.failures, ['python-threads @ 100: p99 = 2.40s']);
    assert.equal(p99.checked, 6);
    assert.equal(checks.find((c) => c.threshold === 'errors < 1%')!.passed, true);
    const md = resultsToMarkdown(fixtureResults(), checks);
    assert.match(md, /FAIL `p99 < 2s`/);
    assert.match(md, /\| 100 \| 1400 \| 700\.0 \| 1000\.0 \| 0\.70 \|/);
  });

  it('overhead crossover: the worker count from which a cheaper row stays dearer (noise does not count), per mode', () => {
    // pool: threads 1.01/1.05/1.9 vs greenlets 1.02/1.04/1.1: 1.05 > 1.04 at 10 workers is within the 10% margin.
    // spawn: greenlets 1.05/1.8/4.0 vs threads 1.1/1.5/2.5: greenlets start cheaper, dearer from 10 on.
    const xs = overheadCrossovers(fixtureOverhead());
    assert.deepEqual(xs.map((x) => [x.mode, x.rising, x.other, x.workers]), [['pool', 'python-threads', 'gevent-explicit', 100], ['spawn', 'gevent-explicit', 'python-threads', 10]]);
    const md = resultsToMarkdown(fixtureOverhead(), []);
    const pool = md.slice(md.indexOf('### pool mode'), md.indexOf('### spawn mode'));
    const spawn = md.slice(md.indexOf('### spawn mode'));
    assert.match(pool, /python-threads crosses gevent-explicit at 100 workers \(1\.90x vs 1\.10x\)/);
    assert.match(pool, /\| 100 \| 1\.90x \| 1\.10x \|/);
    assert.match(spawn, /gevent-explicit crosses python-threads at 10 workers \(1\.80x vs 1\.50x\)/);
    assert.ok(!spawn.includes('python-threads crosses'));
    // A step table per mode in each target's section.
    assert.match(md, /## python-threads[\s\S]*\*\*pool\*\* \(C long-lived workers[\s\S]*\| 100 \| 100 \| 5 \| [\d.]+ \| 0\.005 \| 1\.90x \|[\s\S]*\*\*spawn\*\*[\s\S]*\| 100 \| 100 \| 5 \| [\d.]+ \| 0\.005 \| 2\.50x \|/);
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

  it('CSV: a row per mode of an overhead step, with its mode', () => {
    const csv = resultsToCsv(fixtureOverhead()).trim().split('\n');
    const header = csv[0]!.split(',');
    const mode = header.indexOf('overhead_mode');
    assert.equal(header[mode + 3], 'overhead');
    assert.equal(csv.length, 1 + 2 * 3 * 2);
    const rows = csv.slice(1).map((l) => l.split(','));
    assert.deepEqual(rows.filter((r) => r[0] === 'python-threads' && r[2] === '100').map((r) => [r[mode], r[mode + 3]]), [['pool', '1.9'], ['spawn', '2.5']]);
    // Other executors keep one row per step, with an empty mode.
    assert.ok(resultsToCsv(fixtureResults()).trim().split('\n').slice(1).every((l) => l.split(',')[mode] === ''));
  });

  it('the schema file is valid JSON and pins schema_version 1', () => {
    const schema = JSON.parse(readFileSync(new URL('../../../src/results/results.schema.json', import.meta.url), 'utf8'));
    assert.equal(schema.properties.schema_version.const, 1);
  });
});
