// The Results and Compare tabs in a real browser (Debian's chromium, playwright-core) on
// committed runs, with the web server alone (no row running): the page draws the step tables,
// Findings and charts the server computed, which are summary.md's, and the Compare tab shows
// `lab compare`'s figures (overhead per mode and workers, bytes and threads per idle connection).
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { type Page } from 'playwright-core';
import { launchChromium, type HeadlessChromium } from './headless-chromium.js';
import { repoRoot } from '../../src/core/manifest/repo-root.js';
import { startWebServer, type WebServer } from '../../src/web-server/server.js';

const RESULTS = path.join(repoRoot(), 'docs', 'results');
const RUNS: Record<string, string> = {
  '2026-12-01T22-33-56Z_overhead-a': path.join(RESULTS, 'tour', '2026-12-01T22-33-56Z_tour-overhead'),
  '2026-12-01T22-38-07Z_overhead-b': path.join(RESULTS, 'tour-repeat', '2026-12-01T22-38-07Z_tour-overhead'),
  '2026-12-01T19-29-48Z_idle-a': path.join(RESULTS, 'idle-connections'),
  '2026-12-01T22-31-29Z_idle-b': path.join(RESULTS, 'tour', '2026-12-01T22-31-29Z_tour-idle'),
  '2026-12-01T20-00-00Z_upstream-slowdown': path.join(RESULTS, 'upstream-slowdown'),
  '2026-12-07T09-07-23Z_overhead-a': path.join(RESULTS, 'back-to-back', 'a'),
  '2026-12-07T09-13-04Z_overhead-b': path.join(RESULTS, 'back-to-back', 'b'),
};

let dir = '';
let web: WebServer;
let browser: HeadlessChromium | undefined;
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lab-results-compare-'));
  for (const [id, src] of Object.entries(RUNS)) {
    mkdirSync(path.join(dir, id));
    copyFileSync(path.join(src, 'results.json'), path.join(dir, id, 'results.json'));
  }
  web = await startWebServer({ port: 0, resultsDir: dir, registries: [] });
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
});

after(async () => {
  await browser?.close();
  await web?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Every table of a container as text rows, the header first. */
function tablesIn(selector: string): Promise<string[][][]> {
  return page.locator(`${selector} table`).evaluateAll((tables) => tables.map((t) => [...(t as any).rows].map((r: any) => [...r.cells].map((c: any) => c.textContent.trim()))));
}

/** Opens a run's result and waits for `selector` inside that run's view: the page before may
 * still show another run's charts and tables, which must not answer for this one. */
async function openResult(id: string, selector: string): Promise<void> {
  await page.goto(`${web.url}/#results/${id}`);
  await page.waitForSelector(`#result-view[data-id="${id}"] ${selector}`, { timeout: 10_000 });
}

/** Markdown table lines as the cells summary.md holds ('| a | b |' -> ['a', 'b']). */
const mdRow = (cells: string[]) => `| ${cells.join(' | ')} |`;

test('Results: the step tables are summary.md\'s, drawn from the server\'s JSON, with the report\'s charts', async () => {
  const id = '2026-12-01T22-33-56Z_overhead-a';
  await openResult(id, '.steps-view .target-steps table');
  const summary = readFileSync(path.join(RUNS[id]!, 'summary.md'), 'utf8').split('\n');
  const tables = await tablesIn('.steps-view');
  assert.ok(tables.length >= 11, `a table per row: ${tables.length}`);
  assert.deepEqual(tables[0]![0], ['workers', 'tasks', 'sleep ms', 'elapsed s', 'ideal s', 'elapsed / ideal', 'step server CPU s', 'threads peak']);
  // Every row of every drawn table is a line of the committed summary.md.
  for (const t of tables) for (const row of t) assert.ok(summary.includes(mdRow(row)), `not in summary.md: ${mdRow(row)}`);
  // The crossover section after the targets, and Findings, as summary.md has them.
  assert.match(await page.textContent('.steps-view') ?? '', /Overhead crossovers/);
  assert.match(await page.textContent('#findings') ?? '', /Findings/);
  // The report's charts: one chart of overhead and one of elapsed per mode, every row drawn.
  await page.waitForSelector(`#result-view[data-id="${id}"] #result-charts .chart[data-points]`, { timeout: 10_000 });
  const api = await (await fetch(`${web.url}/api/results/${id}`)).json() as { view: { charts: { title: string }[] } };
  const titles = await page.locator('#result-charts figcaption').allTextContents();
  assert.equal(titles.length, api.view.charts.length);
  assert.ok(api.view.charts.every((c, i) => titles[i]!.startsWith(c.title)), titles.join(' | '));
  const points = await page.locator('#result-charts .chart').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-points'))));
  for (const n of points) assert.ok(n >= 33, `a chart drew ${n} points (11 rows x 3 steps)`);
  assert.deepEqual(pageErrors, []);
});

test('Results: a step\'s timeline from the server\'s measures and marks, the events table summary.md\'s', async () => {
  const id = '2026-12-01T20-00-00Z_upstream-slowdown';
  await openResult(id, '#timeline .timeline-charts .chart[data-points]');
  const api = await (await fetch(`${web.url}/api/results/${id}`)).json() as { view: { timelines: { marks: { label: string }[]; measures: { series: { values: (number | null)[] }[] }[] }[] } };
  const [step] = api.view.timelines;
  assert.deepEqual(step!.marks.map((m) => m.label), ['upstream delay_ms=2000 for 10 s']);
  const points = await page.locator('#timeline .timeline-charts .chart').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-points'))));
  assert.deepEqual(points, step!.measures.map((m) => m.series.reduce((n, s) => n + s.values.filter((v) => v !== null).length, 0)));
  assert.equal(points.length, 7, 'rps, p99, errors, in-flight, threads, RSS, CPU');
  // The events and recovery table: summary.md's own lines.
  const summary = readFileSync(path.join(RUNS[id]!, 'summary.md'), 'utf8').split('\n');
  const events = (await tablesIn('.steps-view')).find((t) => t[0]!.includes('back after'));
  assert.ok(events, 'the events table');
  for (const row of events) assert.ok(summary.includes(mdRow(row)), `not in summary.md: ${mdRow(row)}`);
  assert.deepEqual(pageErrors, []);
});

async function compareRuns(a: string, b: string): Promise<void> {
  await page.goto(`${web.url}/#compare`);
  await page.waitForSelector(`#compare-a option[value="${a}"]`, { state: 'attached', timeout: 10_000 });
  await page.selectOption('#compare-a', a);
  await page.selectOption('#compare-b', b);
  await page.click('#compare-go');
  await page.waitForSelector('#compare-view .compare-figure', { timeout: 10_000 });
}

test('Compare: two overhead runs by overhead per mode and workers, n=1 said once', async () => {
  await compareRuns('2026-12-01T22-33-56Z_overhead-a', '2026-12-01T22-38-07Z_overhead-b');
  const keys = await page.locator('#compare-view .compare-figure').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')));
  assert.deepEqual(keys, ['overhead.pool']);
  const [t] = await tablesIn('#compare-view .compare-figure');
  assert.deepEqual(t![0], ['target', 'workers', 'A', 'B', 'change']);
  // node-eventloop at 1000 workers: 1.42x then 1.86x in the committed runs.
  assert.deepEqual(t!.find((r) => r[0] === 'node-eventloop' && r[1] === '1000'), ['node-eventloop', '1000', '1.42x', '1.86x', '+31.0%']);
  assert.deepEqual(await page.locator('#compare-view .compare-note').allTextContents(), ['n=1: cannot tell from noise']);
  assert.equal(await page.locator('#compare-view .compare-chance').count(), 0, 'no p-value at n=1, so no line about chance');
  assert.doesNotMatch(await page.textContent('#compare-view') ?? '', /req\/s/);
  await page.waitForSelector('#compare-view .chart[data-points]', { timeout: 10_000 });
  assert.equal(Number(await page.getAttribute('#compare-view .chart', 'data-points')), 2 * 33, 'A and B, 11 rows x 3 worker counts');
  assert.deepEqual(pageErrors, []);
});

test('Compare: two idle runs by bytes and threads per connection', async () => {
  await compareRuns('2026-12-01T19-29-48Z_idle-a', '2026-12-01T22-31-29Z_idle-b');
  const keys = await page.locator('#compare-view .compare-figure').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')));
  assert.deepEqual(keys, ['idle.bytes_per_connection', 'idle.threads_per_connection']);
  const [bytes] = await tablesIn('#compare-view .compare-figure');
  assert.deepEqual(bytes![0], ['target', 'connections', 'A', 'B', 'change']);
  assert.ok(bytes!.some((r) => r[0] === 'python-threads' && r[1] === '1000' && /KiB$/.test(r[2]!) && /KiB$/.test(r[3]!)), JSON.stringify(bytes));
  assert.deepEqual(pageErrors, []);
});

test('Compare: two runs with trials say how many changes are significant against chance, as lab compare does', async () => {
  const [a, b] = ['2026-12-07T09-07-23Z_overhead-a', '2026-12-07T09-13-04Z_overhead-b']; // 5 trials a side, back to back
  await compareRuns(a, b);
  const api = await (await fetch(`${web.url}/api/compare?a=${a}&b=${b}`)).json() as { chance?: { tested: number; text: string } };
  assert.ok(api.chance && api.chance.tested > 0, JSON.stringify(api.chance));
  assert.deepEqual(await page.locator('#compare-view .compare-chance').allTextContents(), [api.chance.text]);
  assert.match(api.chance.text, /chance alone makes about/);
  assert.deepEqual(pageErrors, []);
});
