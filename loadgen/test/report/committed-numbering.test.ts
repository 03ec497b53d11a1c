import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../helpers/paths.js';

// Every committed report.html numbers its ordered lists (the Findings' rankings) as its own
// summary.md does: after a tie (1, 1) the next rank is 3 in both, where a browser counting on
// from the tie would show 2 (report/html/blocks.ts listItems). Read as a browser numbers them.

const RESULTS = path.join(REPO_ROOT, 'docs', 'results');

function reports(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? reports(path.join(dir, e.name)) : e.name === 'report.html' ? [path.join(dir, e.name)] : []));
}

/** summary.md's ordered lists: each run of consecutive `N. ` lines, as numbers. */
function markdownLists(md: string): number[][] {
  const lists: number[][] = [];
  let current: number[] | undefined;
  for (const line of md.split('\n')) {
    const m = /^(\d+)\. /.exec(line);
    if (m) (current ??= []).push(Number(m[1]));
    else if (current) { lists.push(current); current = undefined; }
  }
  if (current) lists.push(current);
  return lists;
}

/** The numbers a browser shows for each <ol>: an item's `value`, else the one before it plus one. */
function shownLists(html: string): number[][] {
  return [...html.matchAll(/<ol>(.*?)<\/ol>/gs)].map((m) => {
    let n = 0;
    return [...m[1]!.matchAll(/<li(?: value="(\d+)")?>/g)].map((li) => (n = li[1] ? Number(li[1]) : n + 1));
  });
}

test('committed report.html files number their rankings as their summary.md does', () => {
  const files = reports(RESULTS);
  assert.ok(files.length >= 40, `found ${files.length} report.html files`);
  const ties = files.filter((f) => markdownLists(readFileSync(path.join(path.dirname(f), 'summary.md'), 'utf8')).some((l) => new Set(l).size < l.length));
  assert.ok(ties.length > 0, 'some committed ranking has a tie: the case this checks');
  for (const f of files) {
    const md = markdownLists(readFileSync(path.join(path.dirname(f), 'summary.md'), 'utf8'));
    assert.deepEqual(shownLists(readFileSync(f, 'utf8')), md, path.relative(RESULTS, f));
  }
});
