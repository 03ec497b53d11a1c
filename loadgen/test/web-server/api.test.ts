// The web API against a real lab (upstream + node-eventloop) running a real, tiny scenario.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EXECUTOR_NAMES, STEP_PLUGINS } from '../../src/executors/registry.js';
import { startLabFixture, type LabFixture } from './lab-fixture.js';

const TINY = `name: tiny
description: one short step, for the web API test
executor: connections-sweep
targets: all
request: { text: "hello", delay_ms: 10 }
steps: [2]
duration: 1s
warmup: 0s
cooldown: 0s
# The findings this test reads must not depend on how busy the shared test machine is.
allow_busy: true
`;

let lab: LabFixture;
let base = '';
let scratch = '';

async function call(method: string, p: string, body?: unknown): Promise<{ status: number; json: any; text: string }> {
  const res = await fetch(base + p, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, json, text };
}

async function waitForRunEnd(): Promise<any> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { json } = await call('GET', '/api/runs/current');
    if (json.status !== 'running') return json;
    if (Date.now() > deadline) throw new Error(`run still running after 60 s: ${JSON.stringify(json.progress)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

before(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'lab-web-api-'));
  const scenariosDir = path.join(scratch, 'scenarios');
  mkdirSync(scenariosDir);
  writeFileSync(path.join(scenariosDir, 'tiny.yaml'), TINY);
  writeFileSync(path.join(scenariosDir, 'broken.yaml'), 'name: broken\nexecutor: nope\n');
  lab = await startLabFixture(['node-eventloop'], { scenariosDir, resultsDir: path.join(scratch, 'results') });
  base = lab.web.url;
});
after(async () => {
  await lab?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('web API', () => {
  test('binds 127.0.0.1 by default and serves the page and uPlot from node_modules', async () => {
    assert.match(base, /^http:\/\/127\.0\.0\.1:\d+$/);
    const page = await call('GET', '/');
    assert.equal(page.status, 200);
    assert.match(page.text, /Concurrency Lab/);
    const uplot = await fetch(`${base}/vendor/uplot/uPlot.iife.min.js`);
    assert.equal(uplot.status, 200);
    assert.ok((await uplot.text()).length > 10_000);
  });

  test('targets name the running rows with their model', async () => {
    const { json } = await call('GET', '/api/targets');
    assert.deepEqual(json.targets.map((t: any) => t.name), ['node-eventloop']);
    assert.ok(json.targets[0].model.length > 0);
  });

  test('live has points for the row within a few scrapes; a bad since is a 400', async () => {
    const deadline = Date.now() + 10_000;
    let points: any[] = [];
    while (Date.now() < deadline) {
      const { json } = await call('GET', '/api/live?since=0');
      points = json.series.find((s: any) => s.name === 'node-eventloop')?.points ?? [];
      if (points.filter((p) => p.up && p.rssBytes > 0).length >= 2) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    assert.ok(points.filter((p) => p.up && p.rssBytes > 0).length >= 2, JSON.stringify(points));
    const last = points[points.length - 1].t;
    const newer = await call('GET', `/api/live?since=${last}`);
    assert.ok(newer.json.series[0].points.every((p: any) => p.t > last));
    for (const bad of ['abc', '-1', '']) {
      const r = await call('GET', `/api/live?since=${bad}`);
      assert.equal(r.status, 400, `since=${bad}`);
      assert.match(r.json.error, /since/);
    }
  });

  test('executors: the registry\'s executors and plugins, each naming a view the page has a module for', async () => {
    const { json } = await call('GET', '/api/executors');
    assert.deepEqual(json.executors.map((e: any) => e.name), EXECUTOR_NAMES);
    assert.deepEqual(json.step_plugins.map((p: any) => p.name), STEP_PLUGINS.map((p) => p.name));
    assert.equal(json.views.filter((v: any) => v.default).length, 1, 'one default view');
    const views = new Set(json.views.map((v: any) => v.name));
    for (const e of [...json.executors, ...json.step_plugins]) assert.ok(views.has(e.view), `${e.name}'s view ${e.view} is listed`);
    for (const v of views) {
      const mod = await call('GET', `/js/views/${v}.js`);
      assert.equal(mod.status, 200, `web/js/views/${v}.js is served`);
    }
  });

  test('scenarios are listed from the scenarios folder, a broken one with its error', async () => {
    const { json } = await call('GET', '/api/scenarios');
    const names = json.scenarios.map((s: any) => s.name);
    assert.deepEqual(names.sort(), ['broken', 'tiny']);
    assert.match(json.scenarios.find((s: any) => s.name === 'broken').description, /invalid/);
  });

  test('bad run requests get 400 with a reason and start nothing', async () => {
    const cases: Array<[unknown, RegExp]> = [
      ['not json', /.+/],
      [[], /JSON object/],
      [{}, /scenario/],
      [{ scenario: '../../etc/passwd' }, /scenario name/],
      [{ scenario: 'missing' }, /no scenario named/],
      [{ scenario: 'broken' }, /invalid/],
      [{ scenario: 'tiny', targets: ['python-threads'] }, /not running: python-threads/],
      [{ scenario: 'tiny', targets: [] }, /non-empty/],
      [{ scenario: 'tiny', extra: 1 }, /unknown field/],
    ];
    for (const [body, reason] of cases) {
      const r = await call('POST', '/api/runs', body);
      assert.equal(r.status, 400, `${JSON.stringify(body)} -> ${r.status} ${r.text}`);
      assert.match(r.json.error, reason);
    }
    assert.deepEqual((await call('GET', '/api/runs/current')).json, { status: 'idle' });
  });

  test('a run starts (202), a second is refused (409), progress shows, results appear', async () => {
    const first = await call('POST', '/api/runs', { scenario: 'tiny', targets: ['node-eventloop'] });
    assert.equal(first.status, 202, first.text);
    assert.equal(first.json.status, 'running');
    const second = await call('POST', '/api/runs', { scenario: 'tiny' });
    assert.equal(second.status, 409);
    assert.match(second.json.error, /already in progress/);
    const end = await waitForRunEnd();
    assert.equal(end.status, 'complete', end.error);
    assert.ok(end.result_id, 'the run folder is known');
    assert.ok(end.events.some((e: any) => e.phase === 'step-done' && e.result.requests > 0), 'a finished step with requests');

    const list = await call('GET', '/api/results');
    assert.equal(list.json.results[0].id, end.result_id);
    assert.deepEqual(list.json.results[0].targets, ['node-eventloop']);
    const one = await call('GET', `/api/results/${end.result_id}`);
    assert.equal(one.status, 200);
    assert.equal(one.json.results.targets[0].steps[0].load, 2);
    // The page's Findings: computed from the run, the same text as summary.md's Findings.
    const peak = one.json.findings.rows.find((r: any) => r.row === 'node-eventloop').items.find((i: any) => i.kind === 'peak');
    assert.equal(peak.load, 2);
    assert.equal(peak.rps, one.json.results.targets[0].steps[0].rps);
    assert.ok(one.json.findings.rankings.some((k: any) => k.question === 'Most req/s per server CPU-second' && k.entries[0].row === 'node-eventloop'), JSON.stringify(one.json.findings.rankings));
    const summary = readFileSync(path.join(scratch, 'results', end.result_id, 'summary.md'), 'utf8');
    assert.ok(summary.includes(peak.text), 'summary.md has the same finding');
    for (const chart of one.json.charts) {
      const res = await fetch(`${base}/api/results/${end.result_id}/files/${chart}`);
      assert.equal(res.status, 200, chart);
      await res.arrayBuffer();
    }
    const cmp = await call('GET', `/api/compare?a=${end.result_id}&b=${end.result_id}`);
    assert.equal(cmp.status, 200);
    assert.deepEqual(cmp.json.rows.map((r: any) => [r.target, r.load, r.rps_change]), [['node-eventloop', 2, 0]]);
  });

  test('run ids and file names from URLs cannot leave the results folder', async () => {
    for (const p of ['/api/results/..%2F..%2Fetc', '/api/results/.hidden', '/api/results/a%2Fb', '/api/compare?a=..&b=x']) {
      const r = await call('GET', p);
      assert.equal(r.status, 400, `${p} -> ${r.status} ${r.text}`);
      assert.match(r.json.error, /invalid run id/);
    }
    const { json } = await call('GET', '/api/results');
    const id = json.results[0].id;
    for (const f of ['..%2Fresults.json', 'results.json', 'x.svg%2F..']) {
      const r = await call('GET', `/api/results/${id}/files/${f}`);
      assert.equal(r.status, 400, `${f} -> ${r.status}`);
    }
    assert.equal((await call('GET', '/api/results/2000-01-01T00-00-00Z_nothing')).status, 404);
    assert.equal((await call('GET', '/api/compare?a=x')).status, 400);
  });

  test('/metrics serves the lab registry (web and load generator series)', async () => {
    const r = await call('GET', '/metrics');
    assert.equal(r.status, 200);
    assert.match(r.text, /lab_live_target_up\{target="node-eventloop"\} 1/);
    assert.match(r.text, /# HELP lab_loadgen_step /);
  });
});
