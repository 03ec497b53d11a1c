import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resultsToCsv } from '../../src/report/csv.js';
import { fixtureOverhead, fixtureResults } from '../results/fixture.js';

describe('results.csv', () => {
  it('CSV has one row per target and step', () => {
    const csv = resultsToCsv(fixtureResults()).trim().split('\n');
    assert.equal(csv.length, 1 + 6);
    assert.match(csv[0]!, /^target,model,load,requests/);
    assert.match(csv[6]!, /^python-threads,threads,100,/);
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
});
