// The built-in web dashboard in a real browser: Debian's chromium driven by playwright-core,
// against a real lab (upstream, node-eventloop, python-threads) running the real `quick`
// scenario started from the page. Screenshots go to docs/screenshots/latest/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { type BrowserContext, type Page } from 'playwright-core';
import { launchChromium, type HeadlessChromium } from './headless-chromium.js';
import { colourOf } from '../../src/draw/colours.js';
import { repoRoot } from '../../src/core/manifest/repo-root.js';
import { startLabFixture, type LabFixture } from '../web-server/lab-fixture.js';

const ROWS = ['node-eventloop', 'python-threads'];
const SHOTS = path.join(repoRoot(), 'docs', 'screenshots', 'latest');

let lab: LabFixture;
let context: BrowserContext;
let page: Page;
let browser: HeadlessChromium | undefined;
const pageErrors: string[] = [];

before(async () => {
  lab = await startLabFixture(ROWS);
  assert.deepEqual(lab.runtime.targets.map((t) => t.name).sort(), [...ROWS].sort(), `rows not running: ${JSON.stringify(lab.runtime.unavailable)}`);
  browser = await launchChromium();
  context = browser.context;
  page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await lab?.close();
});

/** '#e15759' as the browser reports a computed colour: 'rgb(225, 87, 89)'. */
function cssRgb(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgb(${n >> 16}, ${(n >> 8) & 255}, ${n & 255})`;
}

async function chartPoints(id: string): Promise<number> {
  return Number((await page.getAttribute(`#${id}`, 'data-points')) ?? 0);
}

test('live charts draw, quick runs from the page with progress and a 409 shown, results draw', async () => {
  await page.goto(lab.web.url);
  // Live: the lab scrapes every second; the charts must draw real series for both rows.
  await page.waitForFunction("Number(document.querySelector('#live-rss')?.getAttribute('data-points')) >= 4", null, { timeout: 15_000 });
  for (const id of ['live-rss', 'live-threads', 'live-conns']) assert.ok((await chartPoints(id)) >= 4, `${id} drew no data`);
  const legend = await page.locator('#legend .item .name').allTextContents();
  assert.deepEqual(legend.sort(), [...ROWS].sort());
  // Each row's swatch has the shared table's colour (the same one Grafana and the report charts use).
  for (const row of ROWS) {
    const swatch = await page.locator(`#legend .item[data-target="${row}"] .swatch`).evaluate((e) => (e as unknown as { style: { backgroundColor: string } }).style.backgroundColor);
    assert.equal(swatch, cssRgb(colourOf(row)), `${row} swatch`);
  }
  assert.ok((await page.locator('#live-rps canvas').count()) > 0, 'uPlot canvas');

  // Scenarios: start quick on the running rows; a second start is refused and says so.
  await page.click('nav a[data-tab=scenarios]');
  const start = page.locator('button.start[data-scenario=quick]');
  await start.waitFor({ timeout: 5000 });
  const checked = await page.locator('#target-checks input:checked').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value));
  assert.deepEqual(checked.sort(), [...ROWS].sort());
  await start.click();
  await page.waitForSelector('#run-status[data-status=running]', { timeout: 5000 });
  await start.click();
  await page.waitForSelector('#run-error:not(.hidden)', { timeout: 5000 });
  assert.match(await page.textContent('#run-error') ?? '', /Refused: a run is already in progress/);
  await page.waitForFunction("/load \\d/.test(document.querySelector('#run-status .progress-text')?.textContent ?? '')", null, { timeout: 15_000 });
  await page.waitForFunction("(document.querySelector('#run-status .step-log')?.childElementCount ?? 0) >= 1", null, { timeout: 30_000 });
  await page.screenshot({ path: path.join(SHOTS, 'scenarios-running.png') });

  await page.waitForSelector('#run-status[data-status=complete]', { timeout: 60_000 });
  assert.equal(await page.locator('#run-status .step-log li').count(), 4, 'two steps for each of two rows');
  // Each finished step with the figures its views publish, formatted by the server.
  for (const line of await page.locator('#run-status .step-log li').allTextContents()) assert.match(line, /load \d+ · [\d.]+ req\/s · p50 [\d.]+m?s · p99 /, line);

  // Results: open the run from the progress card; every chart draws both rows.
  await page.click('#run-status a.open-result');
  await page.waitForSelector('#result-charts .chart[data-points]', { timeout: 10_000 });
  const points = await page.locator('#result-charts .chart').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-points'))));
  assert.equal(points.length, 4, 'throughput, p99, memory, threads');
  for (const n of points) assert.ok(n >= 4, `a result chart drew ${n} points: ${points.join(',')}`);
  // The step tables the server computed (summary.md's): one per row, two steps each.
  assert.equal(await page.locator('.steps-view .target-steps > .table-scroll:first-of-type tbody tr').count(), 4);
  // The step's 1-second timeline: one chart per measure, both rows overlaid.
  await page.waitForSelector('#timeline .timeline-charts .chart[data-points]', { timeout: 10_000 });
  const timeline = await page.locator('#timeline .timeline-charts .chart').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-points'))));
  assert.equal(timeline.length, 7, 'rps, p99, errors, in-flight, threads, RSS, CPU');
  assert.ok(timeline[0]! >= 2 && timeline[4]! >= 2, `timeline charts drew ${timeline.join(',')}`);
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(SHOTS, 'results.png'), fullPage: true });

  // Back to live, which now holds the run's load.
  await page.click('nav a[data-tab=live]');
  await page.waitForFunction("Number(document.querySelector('#live-rps')?.getAttribute('data-points')) >= 10", null, { timeout: 10_000 });
  await page.waitForTimeout(1200);
  await page.screenshot({ path: path.join(SHOTS, 'live.png') });

  assert.deepEqual(pageErrors, [], `script errors on the page: ${pageErrors.join('; ')}`);
});
