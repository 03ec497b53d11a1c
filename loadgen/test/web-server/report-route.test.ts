// The web server serves each run's report.html from the run's folder (the Results tab links
// it), says which runs have one, and refuses ids that are not a run folder.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { renderReport } from '../../src/report/render.js';
import { startWebServer, type WebServer } from '../../src/web-server/server.js';
import { REPO_ROOT } from '../helpers/paths.js';

// Port offset 8010 (this stream's range): the web port is 8080 + offset.
const PORT = 8080 + 8010;
const FIXTURE = path.join(REPO_ROOT, 'loadgen', 'test', 'fixtures', 'runs', 'idle-connections', 'results.json');
let scratch = '';
let web: WebServer;

before(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'lab-report-route-'));
  for (const id of ['2026-12-01T10-00-00Z_with', '2026-12-01T11-00-00Z_without']) {
    mkdirSync(path.join(scratch, id));
    copyFileSync(FIXTURE, path.join(scratch, id, 'results.json'));
  }
  await renderReport(path.join(scratch, '2026-12-01T10-00-00Z_with'));
  web = await startWebServer({ port: PORT, resultsDir: scratch, scenariosDir: path.join(REPO_ROOT, 'loadgen', 'scenarios') });
});

after(async () => {
  await web?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test('GET /api/results/<id>/report.html: the file from the run folder, flagged in the listing', async () => {
  const res = await fetch(`${web.url}/api/results/2026-12-01T10-00-00Z_with/report.html`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
  assert.equal(await res.text(), readFileSync(path.join(scratch, '2026-12-01T10-00-00Z_with', 'report.html'), 'utf8'));

  const { results } = (await (await fetch(`${web.url}/api/results`)).json()) as { results: { id: string; report?: boolean }[] };
  assert.deepEqual(results.map((r) => [r.id, r.report]), [['2026-12-01T11-00-00Z_without', false], ['2026-12-01T10-00-00Z_with', true]]);
  const one = (await (await fetch(`${web.url}/api/results/2026-12-01T10-00-00Z_with`)).json()) as { report: boolean };
  assert.equal(one.report, true);
});

test('a run without report.html: 404 that says how to write it; a bad id: 400', async () => {
  const missing = await fetch(`${web.url}/api/results/2026-12-01T11-00-00Z_without/report.html`);
  assert.equal(missing.status, 404);
  assert.match(await missing.text(), /no report\.html in run '2026-12-01T11-00-00Z_without'.*lab report/);
  const bad = await fetch(`${web.url}/api/results/..%2F..%2Fetc/report.html`);
  assert.equal(bad.status, 400);
});
