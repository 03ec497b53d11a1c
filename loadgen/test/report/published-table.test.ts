import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { RunResults } from '../../src/model/results.js';
import { publishedTable } from '../../src/report/published-table.js';
import { readResults } from '../../src/results/files.js';
import { REPO_ROOT } from '../helpers/paths.js';

// The results tables of the docs come from the committed runs (issue 18, item 9). Expected
// cells are read from results.json here, not from the code under test: a step's interval when
// it has one (median [lo, hi] (n)), else its single value marked n=1.

const published = (await import(pathToFileURL(path.join(REPO_ROOT, 'scripts', 'generate', 'published.mjs')).href)) as {
  publishedOutputs: (repo: string) => Promise<{ file: string; text: string }[]>;
};

const OVERHEAD = path.join(REPO_ROOT, 'docs', 'results', 'overhead', 'results.json');

/** A run of two rows and two steps whose figures carry intervals, as a 3-trial run writes them. */
function withIntervals(base: RunResults): RunResults {
  const r = structuredClone(base);
  r.targets = r.targets.slice(0, 2);
  for (const t of r.targets) {
    t.steps = t.steps.slice(0, 2);
    for (const s of t.steps) s.intervals = { 'overhead.pool': { median: 1.5, lo: 1.25, hi: 2, n: 3, coverage: 0.75 } };
  }
  return r;
}

describe('published results tables', () => {
  it('a run before trials: each cell is the value and n=1, a column per step, a line per row', () => {
    const r = readResults(OVERHEAD);
    const lines = publishedTable(r, 'overhead.pool');
    assert.match(lines[0]!, /overhead \(pool\) \(x\), a column per step \(workers\): median \[interval\] \(trials\); below 6 trials the interval is min\.\.max/);
    const loads = [...new Set(r.targets.flatMap((t) => t.steps.map((s) => s.load)))].sort((a, b) => a - b);
    assert.equal(lines[2], `| row | ${loads.join(' | ')} |`);
    assert.equal(lines.length, 4 + r.targets.length);
    const raw = JSON.parse(readFileSync(OVERHEAD, 'utf8'));
    const first = raw.targets[0];
    const line = lines.find((l) => l.startsWith(`| ${first.name} |`));
    assert.ok(line, lines.join('\n'));
    const cells = line.split('|').slice(2, -1).map((c) => c.trim());
    for (const [i, load] of loads.entries()) {
      const step = first.steps.find((s: { load: number }) => s.load === load);
      const pool = step?.overhead?.mode === 'pool' ? step.overhead.overhead : undefined;
      assert.equal(cells[i], pool === undefined ? '-' : `${pool.toFixed(2)}x (n=1)`, `${first.name} @ ${load}`);
    }
  });

  it('a run with trials: each cell is the median with its interval and n', () => {
    const lines = publishedTable(withIntervals(readResults(OVERHEAD)), 'overhead.pool');
    assert.equal(lines.length, 6);
    for (const l of lines.slice(4)) assert.match(l, /^\| [a-z-]+ \| 1\.50x \[1\.25x, 2\.00x\] \(3\) \| 1\.50x \[1\.25x, 2\.00x\] \(3\) \|$/);
  });

  it('a figure no step publishes is a clear error', () => {
    assert.throws(() => publishedTable(readResults(OVERHEAD), 'rps'), /no step of overhead publishes the figure rps/);
  });

  it('the generator fills each marked region from the folder and key it names, and refuses a missing folder', async () => {
    const repo = mkdtempSync(path.join(os.tmpdir(), 'lab-published-'));
    try {
      mkdirSync(path.join(repo, 'docs', 'results', 'overhead'), { recursive: true });
      cpSync(OVERHEAD, path.join(repo, 'docs', 'results', 'overhead', 'results.json'));
      const doc = ['# Results', '', '<!-- generated:published overhead overhead.pool begin -->', 'stale text', '<!-- generated:published overhead overhead.pool end -->', 'after', ''].join('\n');
      writeFileSync(path.join(repo, 'docs', 'results.md'), doc);
      const [out] = await published.publishedOutputs(repo);
      assert.equal(out!.file, 'docs/results.md');
      const want = publishedTable(readResults(OVERHEAD), 'overhead.pool');
      assert.equal(out!.text, ['# Results', '', '<!-- generated:published overhead overhead.pool begin -->', ...want, '<!-- generated:published overhead overhead.pool end -->', 'after', ''].join('\n'));
      writeFileSync(path.join(repo, 'docs', 'results.md'), doc.replaceAll('published overhead ', 'published gone '));
      await assert.rejects(published.publishedOutputs(repo), /names docs\/results\/gone, which has no results\.json/);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});

describe('the soak table', () => {
  it('has a line per row of the committed soaks, each verdict the worst of its three measures', async () => {
    const { soakTable } = await import('../../src/report/soak-table.js');
    const dir = path.join(REPO_ROOT, 'docs', 'results', 'soak');
    const { readdirSync } = await import('node:fs');
    const runs = readdirSync(dir).sort().map((row) => readResults(path.join(dir, row)));
    const lines = soakTable(runs).filter((l) => l.startsWith('| ') && !l.startsWith('| row') && !l.startsWith('| ---'));
    assert.equal(lines.length, runs.length);
    const order = ['leak', 'undecided', 'levels off', 'no leak'];
    for (const [i, r] of runs.entries()) {
      const step = r.targets[0]!.steps[0]!;
      const worst = order.find((v) => step.slopes!.some((x) => x.verdict === v));
      const line = lines.find((l) => l.startsWith(`| ${r.targets[0]!.name} |`));
      assert.ok(line && line.trimEnd().endsWith(`| ${worst} |`), `${i} ${r.targets[0]!.name}: ${line}`);
    }
    assert.throws(() => soakTable([readResults(path.dirname(OVERHEAD))]), /no step of these runs has leak slopes/);
  });
});
