import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { openLocalRuntime, type LabEvent } from '../../src/runtime/index.js';
import { probeStatus } from '../../src/runtime/local/health.js';
import type { ServiceLifeEvent } from '../../src/runtime/types.js';
import { assertGroupGone } from '../helpers/processes.js';

// Supervision with a real row (node-eventloop) and the real upstream: a kill is answered by a
// relaunch with its downtime recorded; a pause freezes the row until resume; a row that cannot
// come back is given up on, not looped. Ports: LAB_PORT_OFFSET 7000 (this stream's range).

const OFFSET = 7000;

async function until<T>(what: string, get: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a killed row is relaunched with backoff and its downtime recorded; pause freezes it until resume; a row that cannot come back is given up on', async () => {
  const logDir = mkdtempSync(path.join(tmpdir(), 'lab-supervise-'));
  const events: LabEvent[] = [];
  const runtime = await openLocalRuntime({
    portOffset: OFFSET, logDir, targets: ['node-eventloop'], onEvent: (e) => events.push(e),
    supervise: { initialBackoffMs: 50, maxFailures: 2 },
  });
  const groups = new Map(runtime.started.map((g) => [g.name, g.pgid]));
  const row = runtime.targets.find((t) => t.name === 'node-eventloop');
  assert.ok(row, `node-eventloop did not start: ${JSON.stringify(runtime.unavailable)}`);
  let blocker: net.Server | undefined;
  try {
    const first = groups.get('node-eventloop')!;
    const t0 = Date.now();
    await runtime.kill('node-eventloop');
    const restarted = await until('the restart', () => runtime.lifeEvents(t0).find((e) => e.kind === 'restarted'));
    const kinds = runtime.lifeEvents(t0).map((e: ServiceLifeEvent) => e.kind);
    assert.deepEqual(kinds, ['crashed', 'restarting', 'restarted']);
    assert.ok(restarted.downtime_s! > 0 && restarted.downtime_s! < 20, JSON.stringify(restarted));
    assert.ok(events.some((e) => e.kind === 'restarted' && e.service === 'node-eventloop'), 'reported to the console listener');
    const second = runtime.started.find((g) => g.name === 'node-eventloop')!.pgid;
    assert.notEqual(second, first, 'a new process group');
    groups.set('node-eventloop (relaunched)', second);
    await assertGroupGone(first, 'the killed group');
    assert.equal(await probeStatus(`${row.httpUrl}/echo?text=hello`), 200, 'answers again, through the upstream');

    await runtime.pause('node-eventloop');
    assert.equal(await probeStatus(`${row.httpUrl}/healthz`, 500), 0, 'a frozen row does not answer');
    await runtime.resume('node-eventloop');
    assert.equal(await probeStatus(`${row.httpUrl}/healthz`, 5000), 200, 'answers once thawed');
    assert.equal(runtime.lifeEvents(t0).length, 3, 'a pause is not a crash');

    // Hold the row's port: every relaunch exits at once (EADDRINUSE), so the supervisor gives up.
    const t1 = Date.now();
    await runtime.kill('node-eventloop');
    await until('the row to be gone', async () => ((await probeStatus(`${row.httpUrl}/healthz`, 300)) === 0 ? true : undefined));
    blocker = net.createServer((s) => s.destroy());
    await new Promise<void>((resolve, reject) => { blocker!.once('error', reject); blocker!.listen(Number(new URL(row.httpUrl).port), '127.0.0.1', resolve); });
    const gaveUp = await until('the give-up', () => runtime.lifeEvents(t1).find((e) => e.kind === 'gave-up'));
    assert.match(gaveUp.message, /2 relaunches/);
    assert.deepEqual(runtime.targets.map((t) => t.name), [], 'a given-up row is not a target');
  } finally {
    await runtime.stop();
    await new Promise((r) => (blocker ? blocker.close(r) : r(undefined)));
    rmSync(logDir, { recursive: true, force: true });
  }
  for (const [name, pgid] of groups) await assertGroupGone(pgid, name);
});

test('kill, pause and resume refuse a service the lab does not know, with its name', async () => {
  const logDir = mkdtempSync(path.join(tmpdir(), 'lab-supervise-'));
  const runtime = await openLocalRuntime({ portOffset: OFFSET + 10, logDir, targets: ['node-eventloop'] });
  try {
    await assert.rejects(runtime.kill('no-such-row'), /cannot kill 'no-such-row': not part of this lab/);
    await assert.rejects(runtime.pause('no-such-row'), /cannot pause 'no-such-row'/);
    assert.deepEqual(runtime.lifeEvents(), [], 'nothing supervised: no life events');
  } finally {
    await runtime.stop();
    rmSync(logDir, { recursive: true, force: true });
  }
});
