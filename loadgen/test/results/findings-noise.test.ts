import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { computeFindings, findingsToMarkdown } from '../../src/results/findings.js';
import { readResults } from '../../src/results/files.js';
import { fmt, rankingLines, rankWithinNoise, type Ranking } from '../../src/model/findings.js';
import type { FigureInterval, RunResults } from '../../src/model/results.js';
import { REPO_ROOT } from '../helpers/paths.js';

// Findings that respect the interval (issue 18): rank only where intervals separate, rows on
// the ideal line tied, a figure below its noise floor never ranked, busy steps left out.
// Real runs (test/fixtures/runs) with trials' intervals and noise put on their steps.

const RUNS = path.join(REPO_ROOT, 'loadgen', 'test', 'fixtures', 'runs');
const run = (name: string): RunResults => readResults(path.join(RUNS, name));
const iv = (median: number, lo: number, hi: number, n = 5): FigureInterval => ({ median, lo, hi, n, coverage: 0.9375 });
const lastStep = (r: RunResults, row: string) => r.targets.find((t) => t.name === row)!.steps.at(-1)!;
const ranking = (r: RunResults[], question: RegExp, opts = {}) => computeFindings(r, opts).rankings.find((k) => question.test(k.question))!;

describe('findings within noise', () => {
  it('ranks where intervals separate, ties where they overlap', () => {
    const k: Ranking = { question: 'q', unit: 'u', basis: 'b', order: 'highest first', entries: [
      { row: 'a', value: 100, run: 'r', text: '100', interval: iv(100, 95, 105) },
      { row: 'b', value: 98, run: 'r', text: '98', interval: iv(98, 90, 104) },
      { row: 'c', value: 50, run: 'r', text: '50', interval: iv(50, 45, 55) },
    ] };
    const ranked = rankWithinNoise(k).entries.map((e) => [e.row, e.rank, e.tied]);
    assert.deepEqual(ranked, [['a', 1, true], ['b', 1, true], ['c', 3, false]]);
  });

  it('rows on the ideal line are tied, not ranked (overhead 1.00x)', () => {
    const r = run('overhead-2026-11');
    // Every row at 1000 workers within 1% of a perfect pool, over 5 trials each.
    for (const t of r.targets) {
      const s = t.steps.find((x) => x.load === 1000)!;
      s.overhead!.modes[0]!.overhead = 1.004;
      s.intervals = { 'overhead.spawn': iv(1.004, 1.0, 1.01) };
    }
    const k = ranking([r], /Lowest overhead/);
    assert.ok(k.entries.every((e) => e.rank === 1 && e.tied), JSON.stringify(k.entries));
    const md = findingsToMarkdown(computeFindings([r])).join('\n');
    assert.match(md, /All tied within noise: no row is ranked above another\./);
    assert.match(md, /1\. node-eventloop: 1\.00x \[1\.00x, 1\.01x\] \(5\) \(tied within noise\)/);
  });

  it('a figure that rounds to zero carries no sign (gevent-explicit: -0.000 threads per idle connection)', () => {
    assert.equal(fmt(-0.0002, 3), '0.000');
    assert.equal(fmt(-0.4, 0), '0');
    assert.equal(fmt(-0.0002, 4), '-0.0002');
    assert.equal(fmt(-1.5, 1), '-1.5');
    assert.equal(fmt(Number.NaN, 1), '-');
  });

  it('an interval that spans the ideal is on the line, also one reaching below it (a single trial +- its spread)', () => {
    const k: Ranking = { question: 'q', unit: 'u', basis: 'b', order: 'lowest first', ideal: { value: 1, tolerance: 0.02 }, single_trial_spread: { fraction: 0.15, basis: 'docs/results/x' }, entries: [
      { row: 'low', value: 1.07, run: 'r', text: '1.07x' }, // 0.91..1.23: spans 1.00
      { row: 'edge', value: 1.17, run: 'r', text: '1.17x' }, // 0.99..1.35: its lo at the line
      { row: 'above', value: 1.25, run: 'r', text: '1.25x' }, // 1.06..1.44: above it
      { row: 'trials', value: 1.3, run: 'r', text: '1.30x', interval: iv(1.3, 1.25, 1.35) },
    ] };
    assert.deepEqual(rankWithinNoise(k).entries.map((e) => [e.row, e.rank]), [['low', 1], ['edge', 1], ['above', 3], ['trials', 3]]);
  });

  it('a single trial ranks with the spread one trial has (the tour): within it tied, beyond it ranked, and says so', () => {
    const k: Ranking = { question: 'q', unit: 'u', basis: 'b', order: 'lowest first', single_trial_spread: { fraction: 0.1, basis: 'docs/results/trials/x' }, entries: [
      { row: 'a', value: 1.15, run: 'r', text: '1.15x' },
      { row: 'b', value: 1.21, run: 'r', text: '1.21x' }, // 1.15 + 10% reaches 1.265, 1.21 - 10% is 1.089: tied
      { row: 'c', value: 1.6, run: 'r', text: '1.60x' }, // 1.44..1.76 against a's 1.035..1.265: ranked
      { row: 'd', value: 1.7, run: 'r', text: '1.70x', interval: iv(1.7, 1.68, 1.72) }, // trials: its own interval
    ] };
    const ranked = rankWithinNoise(k);
    assert.deepEqual(ranked.entries.map((e) => [e.row, e.rank, e.tied]), [['a', 1, true], ['b', 1, true], ['c', 3, true], ['d', 3, true]]);
    const lines = rankingLines(ranked);
    assert.equal(lines.at(-1), '_One trial: a figure counts as +-10% of its value, how far one trial lands from the median (docs/results/trials/x); rows within it are tied._');
    // Without a spread a point is a point, and every trial-less value ranks apart.
    const points = rankWithinNoise({ ...k, single_trial_spread: undefined });
    assert.deepEqual(points.entries.map((e) => e.rank), [1, 2, 3, 4]);
    assert.ok(!rankingLines(points).some((l) => l.startsWith('_One trial')));
  });

  it('the shipped rankings of a one-trial run carry the lab\'s measured spread', () => {
    const k = ranking([run('overhead-2026-11')], /Lowest overhead/);
    assert.ok(k.single_trial_spread && k.single_trial_spread.fraction > 0, JSON.stringify(k.single_trial_spread));
    const md = findingsToMarkdown(computeFindings([run('overhead-2026-11')])).join('\n');
    assert.match(md, /_One trial: a figure counts as \+-\d+% of its value, how far one trial lands from the median \(docs\/results\/trials\/overhead/);
  });

  it('bytes per connection below the noise floor (or negative) is never ranked', () => {
    const r = run('idle-connections');
    const neg = lastStep(r, 'node-eventloop');
    neg.idle_connections!.bytes_per_connection = -2048;
    const drift = lastStep(r, 'python-asyncio');
    // 1 KiB per connection measured, but RSS drifted 4 KiB per connection with none open.
    drift.idle_connections!.bytes_per_connection = 1024;
    drift.idle_connections!.floor_bytes_per_connection = 4096;
    const k = ranking([r], /Least memory per idle connection/);
    assert.deepEqual(k.entries.map((e) => e.row), ['python-threads']);
    assert.deepEqual(k.below_floor!.map((b) => b.row).sort(), ['node-eventloop', 'python-asyncio']);
    const md = findingsToMarkdown(computeFindings([r])).join('\n');
    assert.match(md, /- node-eventloop: -2\.0 KiB per connection, floor 0 B .*\(below the measurement's noise floor: not ranked\)/);
    assert.match(md, /- python-asyncio: 1\.0 KiB per connection, floor 4\.0 KiB/);
  });

  it('busy steps are left out with a note, unless allowed', () => {
    const r = run('idle-connections');
    lastStep(r, 'python-threads').busy_machine = true;
    const f = computeFindings([r]);
    const k = f.rankings.find((x) => /Least memory/.test(x.question))!;
    assert.ok(!k.entries.some((e) => e.row === 'python-threads' && e.text.includes('1000 open')), 'its 1000-connection step is left out');
    assert.ok(f.notes.some((n) => /1 step measured on a busy machine .* left out: python-threads at 1000; `lab run --allow-busy`/.test(n)), f.notes.join('\n'));
    const allowed = computeFindings([r], { allowBusy: true });
    assert.ok(!allowed.notes.some((n) => n.includes('busy machine')));
    r.scenario.allow_busy = true;
    assert.ok(!computeFindings([r]).notes.some((n) => n.includes('busy machine')), 'the run\'s own allow_busy keeps them too');
  });
});
