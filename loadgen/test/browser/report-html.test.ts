// report.html in a real browser: Debian's chromium (playwright-core) opens the report of a real
// run straight from disk (file://), as someone who was sent the file would. The charts draw (SVG
// with marks), the tables lay out, nothing is logged as an error (a CSP violation would be) and
// no request leaves file://. A screenshot goes to docs/screenshots/latest/report-html.png.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { type BrowserContext } from 'playwright-core';
import { launchChromium, type HeadlessChromium } from './headless-chromium.js';
import { repoRoot } from '../../src/core/manifest/repo-root.js';
import { renderReport } from '../../src/report/render.js';

const SHOTS = path.join(repoRoot(), 'docs', 'screenshots', 'latest');
// The README's io-ramp run: eight rows, four charts and the wrk cross-check tables.
const RUN = path.join(repoRoot(), 'docs', 'results', 'io-ramp');

let context: BrowserContext;
let dir = '';
let browser: HeadlessChromium | undefined;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lab-report-html-'));
  copyFileSync(path.join(RUN, 'results.json'), path.join(dir, 'results.json'));
  await renderReport(dir);
  browser = await launchChromium();
  context = browser.context;
  mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('report.html opened from disk: charts and tables render, no error, nothing leaves file://', async () => {
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`); });
  page.on('request', (r) => requests.push(r.url()));
  const url = pathToFileURL(path.join(dir, 'report.html')).href;
  await page.goto(url, { waitUntil: 'load' });

  // Each chart: an <svg> that has laid out to a real size and holds line and point marks.
  const charts = await page.$$eval('figure.chart svg', (svgs) => svgs.map((s) => {
    const box = s.getBoundingClientRect();
    return { width: box.width, height: box.height, lines: s.querySelectorAll('.mark-line path').length, points: s.querySelectorAll('.mark-symbol path').length, legend: s.querySelectorAll('.role-legend-label text').length };
  }));
  assert.equal(charts.length, 4, JSON.stringify(charts));
  for (const c of charts) {
    assert.ok(c.width > 500 && c.height > 200, `chart laid out at ${c.width}x${c.height}`);
    assert.ok(c.lines >= 8 && c.points >= 8 * 7, `marks drawn: ${JSON.stringify(c)}`);
    assert.ok(c.legend >= 8, `legend: ${JSON.stringify(c)}`);
  }

  // Tables: a step table and a cross-check table per row, with cells laid out as a table.
  const rows = await page.$$eval('article.target', (arts) => arts.map((a) => {
    // The page's own window (no DOM types in this project's tsconfig).
    const style = (e: unknown) => (globalThis as unknown as { getComputedStyle(e: unknown): { display: string; textAlign: string } }).getComputedStyle(e);
    return {
    name: a.querySelector('h3')?.textContent ?? '',
    tables: a.querySelectorAll('table').length,
    bodyRows: a.querySelector('table tbody')?.querySelectorAll('tr').length ?? 0,
    display: style(a.querySelector('td')).display,
    rightAligned: style(a.querySelector('td.num')).textAlign,
  };
  }));
  assert.equal(rows.length, 8);
  for (const r of rows) assert.deepEqual({ tables: r.tables, bodyRows: r.bodyRows, display: r.display, rightAligned: r.rightAligned }, { tables: 2, bodyRows: 7, display: 'table-cell', rightAligned: 'right' }, r.name);
  const findings = await page.textContent('#findings');
  assert.match(findings ?? '', /knee at \d+ connections/);
  assert.match((await page.textContent('header.top')) ?? '', /threads or event loop\?[\s\S]*io-ramp[\s\S]*2 CPUs/i);

  await page.screenshot({ path: path.join(SHOTS, 'report-html.png') });
  assert.deepEqual(errors, []);
  assert.deepEqual(requests.filter((u) => !u.startsWith('file://')), []);
  assert.deepEqual(requests, [url], 'the page loads itself and nothing else');
  await page.close();
});
