// `lab up` serves the dashboard before it verifies (issue 13): the real CLI, two real rows, and
// Debian's chromium. Not a wall-clock race: the test proves the order instead. The page is
// loaded as soon as the console prints its URL, and must have answered while the lab was
// still starting or verifying (its first /api/lab answer, and the console not yet showing the
// verify report); then every row must be seen as verifying and then ready. A row cannot be
// verifying for less than UPSTREAM_TIMEOUT_MS (3 s locally: verify waits for the row's 504),
// so the page's twice-a-second poll sees it even on a loaded machine.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { type BrowserContext, type Page } from 'playwright-core';
import { launchChromium, type HeadlessChromium } from './headless-chromium.js';
import { repoRoot } from '../../src/core/manifest/repo-root.js';
import { writeTourIndex } from '../../src/results/tour-index.js';
import { startWebServer } from '../../src/web-server/server.js';
import { startLab } from '../helpers/processes.js';

const ROWS = ['python-threads', 'node-eventloop'];
const OFFSET = 5500; // this file's own ports (issue 13's range 5000-5900)
const SHOTS = path.join(repoRoot(), 'docs', 'screenshots', 'latest');

let context: BrowserContext;
let page: Page;
let browser: HeadlessChromium | undefined;
let scratch = '';
const pageErrors: string[] = [];

before(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'lab-startup-'));
  // The browser is up before the lab starts, so its own start-up is not part of what is tested.
  browser = await launchChromium();
  context = browser.context;
  page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  // Every state each row's line showed, in order, recorded in the page as it renders.
  await page.addInitScript({
    content: `
      window.__seen = {};
      new MutationObserver(() => {
        for (const tr of document.querySelectorAll('#startup-rows tr[data-row]')) {
          const list = (window.__seen[tr.dataset.row] ??= []);
          if (list[list.length - 1] !== tr.dataset.state) list.push(tr.dataset.state);
        }
      }).observe(document, { subtree: true, childList: true, attributes: true });`,
  });
  mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test('lab up: the page answers while the rows are still starting or verifying, shows them verifying, then ready, then opens the default run\'s Findings', async () => {
  const env = { ...process.env, LAB_PORT_OFFSET: String(OFFSET) };
  // quick, not the three-minute tour, as the default run: the page must open its Findings when it is done.
  const lab = await startLab(['up', '--scenario', 'quick', '--targets', ROWS.join(','), '--out', path.join(scratch, 'results')], env, 'Web dashboard:', 60_000);
  try {
    const url = /Web dashboard: (\S+)/.exec(lab.out())![1]!;
    assert.equal(lab.out().split('\n')[0]!.startsWith('Web dashboard:'), true, `the URL is the console's first line:\n${lab.out()}`);
    await page.goto(url);
    await page.waitForSelector('#startup[data-first-phase]', { timeout: 30_000 });
    // The verify report is printed when verify is over: the page was served before that.
    const consoleThen = lab.out();
    const firstPhase = await page.getAttribute('#startup', 'data-first-phase');
    assert.ok(firstPhase === 'starting' || firstPhase === 'verifying', `the page's first answer came while the lab was ${firstPhase}`);
    assert.doesNotMatch(consoleThen, /verify: (OK|FAILED)/, 'verify was already over when the page answered');

    await page.waitForSelector('#startup-rows tr[data-state=verifying]', { timeout: 60_000 });
    await page.waitForFunction("document.querySelector('#startup-rows tr[data-state=verifying] .chip') !== null", null, { timeout: 30_000 });
    await page.screenshot({ path: path.join(SHOTS, 'startup-verifying.png') });
    await page.waitForSelector('#startup[data-phase=ready]', { timeout: 120_000 });

    const seen = (await page.evaluate('window.__seen')) as Record<string, string[]>;
    for (const row of ROWS) {
      const states = seen[row] ?? [];
      const v = states.indexOf('verifying');
      assert.ok(v >= 0 && states.indexOf('ready', v) > v, `${row} was shown ${states.join(' -> ')}: expected verifying, then ready`);
    }
    assert.deepEqual(seen.upstream?.at(-1), 'ready');
    for (const row of ROWS) assert.match(await page.textContent(`#startup-rows tr[data-row=${row}] .detail`) ?? '', /\d+ checks passed/);
    assert.match(await page.textContent('#startup-head') ?? '', /Lab ready: 2 rows verified/);
    // Once ready, the rows are the running targets: the legend lists them; the default run goes on.
    await page.waitForFunction(`document.querySelectorAll('#legend .item').length === ${ROWS.length}`, null, { timeout: 15_000 });
    await page.waitForFunction("/Default run: quick/.test(document.querySelector('#startup-autorun')?.textContent ?? '')", null, { timeout: 15_000 });
    await page.screenshot({ path: path.join(SHOTS, 'startup-ready.png') });
    // When it finishes, the page goes to its results by itself, Findings included.
    await page.waitForFunction("location.hash.startsWith('#results/')", null, { timeout: 120_000 });
    // Its Findings section, as summary.md has it (its rankings may be empty: since trials, steps
    // measured on a busy machine are left out).
    await page.waitForFunction("/Findings/.test(document.querySelector('#result-view #findings h3')?.textContent ?? '')", null, { timeout: 15_000 });
    assert.match(await page.textContent('#startup-autorun') ?? '', /quick · complete/);
    // The console printed each finished step in its executor's columns, as `lab run` does.
    assert.match(lab.out(), /^ {2}target +load +req\/s +ideal /m, lab.out());
    for (const row of ROWS) assert.match(lab.out(), new RegExp(`^ {2}${row} +\\d+ +[\\d.]+ `, 'm'));
    assert.deepEqual(pageErrors, [], `script errors on the page: ${pageErrors.join('; ')}`);
  } finally {
    const exited = new Promise<number | null>((resolve) => lab.child.once('exit', (code) => resolve(code)));
    lab.child.kill('SIGINT');
    assert.equal(await exited, 130, lab.err());
  }
});

test('a tour\'s results open on its Findings, computed from every part, then each part\'s charts', async () => {
  // A tour folder made of three real runs (the test fixtures) and its tour.json.
  const results = path.join(scratch, 'tour-results');
  const id = '2026-12-01T00-00-00Z_tour';
  const fixtures = path.join(repoRoot(), 'loadgen', 'test', 'fixtures', 'runs');
  const parts = [['io-ramp-2026-11', 'connections-sweep'], ['overhead-2026-11', 'overhead'], ['idle-connections', 'idle-connections']] as const;
  for (const [dir] of parts) cpSync(path.join(fixtures, dir), path.join(results, id, dir), { recursive: true });
  writeTourIndex(path.join(results, id), {
    tour_version: 1, name: 'tour', description: 'three fixture runs', started_at: '2026-12-01T00:00:00.000Z', finished_at: '2026-12-01T00:03:00.000Z', status: 'complete',
    parts: parts.map(([dir, executor]) => ({ name: dir, executor, dir, status: 'complete' as const })),
  });
  const web = await startWebServer({ port: 0, resultsDir: results });
  try {
    await page.goto(`${web.url}/#results`);
    await page.waitForSelector('#result-view[data-kind=tour] #findings ol', { timeout: 15_000 });
    // summary.md's rankings: a bold question, then its ordered list.
    const questions = await page.locator('#findings p > b').allTextContents();
    assert.ok(questions.some((q) => /req\/s per server CPU-second/.test(q)), questions.join(' | '));
    assert.ok(questions.some((q) => /memory per idle connection/.test(q)), questions.join(' | '));
    assert.ok(questions.some((q) => /overhead at 1000 workers/.test(q)), questions.join(' | '));
    assert.equal(await page.locator('#result-list li.selected').getAttribute('data-id'), id);
    const sections = await page.locator('.tour-part').evaluateAll((els) => els.map((e) => e.getAttribute('data-part')));
    assert.deepEqual(sections, parts.map(([dir]) => dir));
    // Each part draws its own charts (an idle run has no latency: its p99 chart may be empty).
    await page.waitForFunction("[...document.querySelectorAll('.tour-part')].every((p) => [...p.querySelectorAll('.chart')].some((c) => Number(c.getAttribute('data-points')) > 0))", null, { timeout: 15_000 });
    // The Findings come first: above the first part's charts.
    const order = await page.evaluate("document.querySelector('#findings').compareDocumentPosition(document.querySelector('.tour-part'))");
    assert.equal(Number(order) & 4, 4, 'Findings precede the parts');
    await page.screenshot({ path: path.join(SHOTS, 'tour-results.png'), fullPage: true });
    assert.deepEqual(pageErrors, [], `script errors on the page: ${pageErrors.join('; ')}`);
  } finally {
    await web.close();
  }
});
