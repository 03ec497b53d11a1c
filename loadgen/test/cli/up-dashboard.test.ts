// `lab up`'s start-up state on /api/lab, against the fixture rows: a row that passes, one that
// fails verify (with the failing check and its URL), one whose Python module is missing (with
// the install command) and one that dies at start. Runs are refused while the lab verifies.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { FIXTURE_SERVICES } from '../helpers/paths.js';
import { runLab, startLab } from '../helpers/processes.js';

const OFFSET = 5700; // this file's own ports (issue 13's range 5000-5900)

interface Row { name: string; state: string; checks: { check: string; status: string }[]; problem: { check?: string; message: string; url?: string; hint?: string } | null; history: { state: string }[] }

test('lab up shows each row starting, verifying, then ready, failed (check + URL) or unavailable (install command); runs wait for verify', async () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'lab-up-dash-'));
  const env = { ...process.env, LAB_SERVICES_DIR: FIXTURE_SERVICES, LAB_PORT_OFFSET: String(OFFSET) };
  const rows = ['good-echo', 'broken-echo', 'needs-python-module', 'crash-at-start'];
  const lab = await startLab(['up', '--no-autorun', '--targets', rows.join(','), '--out', path.join(scratch, 'results')], env, 'Web dashboard:', 60_000);
  try {
    const url = /Web dashboard: (\S+)/.exec(lab.out())![1]!.replace(/\/$/, '');
    // Right after the URL the lab is starting its rows, and verify (>= 3 s per row) is still to come.
    const early = await fetch(`${url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scenario: 'quick' }) });
    assert.equal(early.status, 503);
    assert.match(((await early.json()) as { error: string }).error, /the lab is still (starting|verifying) its rows/);
    const first = (await (await fetch(`${url}/api/lab`)).json()) as { phase: string; rows: Row[] };
    assert.notEqual(first.phase, 'ready');
    assert.deepEqual(first.rows.map((r) => r.name).sort(), ['upstream', ...rows].sort());

    let lab_: { phase: string; rows: Row[] } = first;
    for (let i = 0; i < 600 && lab_.phase !== 'ready'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      lab_ = (await (await fetch(`${url}/api/lab`)).json()) as typeof lab_;
    }
    assert.equal(lab_.phase, 'ready', JSON.stringify(lab_));
    const byName = new Map(lab_.rows.map((r) => [r.name, r]));
    const good = byName.get('good-echo')!;
    assert.equal(good.state, 'ready');
    assert.deepEqual(good.history.map((h) => h.state), ['starting', 'started', 'verifying', 'ready']);
    assert.ok(good.checks.length > 20 && good.checks.every((c) => c.status !== 'fail'), JSON.stringify(good.checks));

    const broken = byName.get('broken-echo')!;
    assert.equal(broken.state, 'failed');
    assert.ok(broken.problem?.check && broken.problem.url?.startsWith(`http://127.0.0.1:${8102 + OFFSET}/`), JSON.stringify(broken.problem));

    const missing = byName.get('needs-python-module')!;
    assert.equal(missing.state, 'unavailable');
    assert.match(missing.problem?.hint ?? '', /apt-get install -y python3-lab-fixture-nosuch/);

    const crashed = byName.get('crash-at-start')!;
    assert.equal(crashed.state, 'unavailable');
    assert.match(crashed.problem?.message ?? '', /exited|before answering/);

    // Once verified, a run may start (and the page's targets are the rows that are running).
    const targets = (await (await fetch(`${url}/api/targets`)).json()) as { targets: { name: string }[] };
    assert.deepEqual(targets.targets.map((t) => t.name).sort(), ['broken-echo', 'good-echo']);
  } finally {
    const exited = new Promise<number | null>((resolve) => lab.child.once('exit', (code) => resolve(code)));
    lab.child.kill('SIGTERM');
    assert.equal(await exited, 143, lab.err());
    rmSync(scratch, { recursive: true, force: true });
  }
});

test('lab up with an unknown default scenario exits 2 before starting anything', async () => {
  const run = await runLab(['up', '--scenario', 'no-such-scenario', '--targets', 'good-echo'], { ...process.env, LAB_SERVICES_DIR: FIXTURE_SERVICES, LAB_PORT_OFFSET: String(OFFSET) });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /no scenario named 'no-such-scenario'.*known: .*tour/);
  assert.doesNotMatch(run.stdout, /Web dashboard/);
});
