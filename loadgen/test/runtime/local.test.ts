import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openLocalRuntime, type LabEvent } from '../../src/runtime/index.js';
import { findFreePortOffset } from '../../src/runtime/ports.js';
import { probeStatus } from '../../src/runtime/local/health.js';
import { LabError } from '../../src/core/errors.js';
import { FIXTURE_SERVICES } from '../helpers/paths.js';
import { assertGroupGone } from '../helpers/processes.js';

const sudo = process.getuid?.() === 0 ? '' : 'sudo ';

function tmpLogDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'lab-logs-'));
}

function waitFor(events: LabEvent[], pred: (e: LabEvent) => boolean, timeoutMs = 10_000): Promise<LabEvent> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = () => {
      const found = events.find(pred);
      if (found) return resolve(found);
      if (Date.now() > deadline) return reject(new Error(`event not seen; got ${JSON.stringify(events.map((e) => `${e.service}:${e.kind}`))}`));
      setTimeout(poll, 50);
    };
    poll();
  });
}

test('starts the upstream and rows on the offset ports, reports a crash at start with its log tail and a missing module with the apt hint, stops every group', async () => {
  const offset = await findFreePortOffset();
  const logDir = tmpLogDir();
  const events: LabEvent[] = [];
  const runtime = await openLocalRuntime({
    servicesDir: FIXTURE_SERVICES, portOffset: offset, logDir, onEvent: (e) => events.push(e),
    targets: ['good-echo', 'crash-at-start', 'needs-python-module'],
  });
  const groups = runtime.started;
  try {
    assert.equal(runtime.upstream.httpUrl, `http://127.0.0.1:${9000 + offset}`);
    assert.deepEqual(runtime.targets.map((t) => t.name), ['good-echo']);
    const good = runtime.targets[0]!;
    assert.equal(good.httpUrl, `http://127.0.0.1:${8101 + offset}`);
    assert.deepEqual(good.line, { host: '127.0.0.1', port: 8201 + offset });
    assert.equal(await probeStatus(`${good.httpUrl}/echo?text=hi`), 200, 'the row reached the upstream through UPSTREAM_URL');

    const crash = runtime.unavailable.find((u) => u.name === 'crash-at-start');
    assert.ok(crash, 'crash-at-start listed as unavailable');
    assert.match(crash.reason, /exited with code 3/);
    const crashEvent = events.find((e) => e.service === 'crash-at-start' && e.kind === 'unavailable');
    assert.match(crashEvent?.logTail ?? '', /failing on purpose at start/);
    assert.match(readFileSync(path.join(logDir, 'crash-at-start.log'), 'utf8'), /failing on purpose/);

    const python = runtime.unavailable.find((u) => u.name === 'needs-python-module');
    assert.equal(python?.hint, `${sudo}apt-get install -y python3-lab-fixture-nosuch`);
    assert.match(python?.reason ?? '', /cannot import lab_fixture_no_such_module/);

    const stats = await runtime.stats('good-echo');
    assert.ok(stats && stats.processes >= 1 && stats.rssBytes > 0 && stats.osThreads >= 1, JSON.stringify(stats));
    assert.deepEqual(groups.map((g) => g.name).sort(), ['crash-at-start', 'good-echo', 'upstream']);
  } finally {
    await runtime.stop();
    rmSync(logDir, { recursive: true, force: true });
  }
  for (const g of groups) await assertGroupGone(g.pgid, g.name);
});

test('a missing interpreter (LAB_PYTHON=/nonexistent) or an uncompiled Node row is unavailable with the hint that fixes it', async () => {
  const offset = await findFreePortOffset();
  const logDir = tmpLogDir();
  const runtime = await openLocalRuntime({
    servicesDir: FIXTURE_SERVICES, portOffset: offset, logDir, targets: ['needs-python-module', 'needs-build'],
    env: { ...process.env, LAB_PYTHON: '/nonexistent' },
  });
  const groups = runtime.started;
  try {
    const row = runtime.unavailable.find((u) => u.name === 'needs-python-module');
    assert.match(row?.reason ?? '', /python interpreter \/nonexistent not found/);
    assert.match(row?.hint ?? '', /set LAB_PYTHON/);
    const node = runtime.unavailable.find((u) => u.name === 'needs-build');
    assert.equal(node?.hint, 'npm run build');
    assert.match(node?.reason ?? '', /dist[/\\]src[/\\]main\.js is missing/);
    assert.deepEqual(runtime.targets, []);
  } finally {
    await runtime.stop();
    rmSync(logDir, { recursive: true, force: true });
  }
  for (const g of groups) await assertGroupGone(g.pgid, g.name);
});

test('a row that crashes later is reported with its log tail; restart brings it back in a new group', async () => {
  const offset = await findFreePortOffset();
  const logDir = tmpLogDir();
  const events: LabEvent[] = [];
  const runtime = await openLocalRuntime({ servicesDir: FIXTURE_SERVICES, portOffset: offset, logDir, targets: ['good-echo'], onEvent: (e) => events.push(e) });
  const seen = new Map(runtime.started.map((g) => [g.name, g.pgid]));
  try {
    const first = runtime.started.find((g) => g.name === 'good-echo')!.pgid;
    process.kill(-first, 'SIGKILL');
    const crashed = await waitFor(events, (e) => e.service === 'good-echo' && e.kind === 'crashed');
    assert.match(crashed.message, /SIGKILL/);
    assert.ok(crashed.logTail !== undefined);
    assert.equal(runtime.targets.length, 0);

    await runtime.restart('good-echo');
    const second = runtime.started.find((g) => g.name === 'good-echo')!.pgid;
    assert.notEqual(second, first);
    seen.set('good-echo (restarted)', second);
    assert.deepEqual(runtime.targets.map((t) => t.name), ['good-echo']);
    assert.equal(await probeStatus(`${runtime.targets[0]!.httpUrl}/healthz`), 200);
  } finally {
    await runtime.stop();
    rmSync(logDir, { recursive: true, force: true });
  }
  for (const [name, pgid] of seen) await assertGroupGone(pgid, name);
});

test('a second runtime attaches to services already answering, and stopping it leaves them running', async () => {
  const offset = await findFreePortOffset();
  const logDir = tmpLogDir();
  const owner = await openLocalRuntime({ servicesDir: FIXTURE_SERVICES, portOffset: offset, logDir, targets: ['good-echo'] });
  const groups = owner.started;
  try {
    const events: LabEvent[] = [];
    const guest = await openLocalRuntime({ servicesDir: FIXTURE_SERVICES, portOffset: offset, logDir, targets: ['good-echo'], onEvent: (e) => events.push(e) });
    assert.deepEqual(guest.started, []);
    assert.deepEqual(events.filter((e) => e.kind === 'attached').map((e) => e.service).sort(), ['good-echo', 'upstream']);
    assert.equal(guest.targets[0]?.upstreamTimeoutMs, undefined, 'an attached service has an unknown timeout');
    const stats = await guest.stats('good-echo');
    assert.ok(stats && stats.processes >= 1, 'stats found the attached service by its listening port');
    await assert.rejects(guest.restart('good-echo'), (err: LabError) => /attached/.test(err.message));
    await guest.stop();
    assert.equal(await probeStatus(`${owner.targets[0]!.httpUrl}/healthz`), 200, 'still running after the guest stopped');
  } finally {
    await owner.stop();
    rmSync(logDir, { recursive: true, force: true });
  }
  for (const g of groups) await assertGroupGone(g.pgid, g.name);
});

test('bad input: unknown targets and a bad LAB_PORT_OFFSET are LabErrors with exit code 2', async () => {
  await assert.rejects(openLocalRuntime({ servicesDir: FIXTURE_SERVICES, targets: ['nope'] }), (err: LabError) => err.exitCode === 2 && /valid targets/.test(err.message));
  await assert.rejects(openLocalRuntime({ servicesDir: FIXTURE_SERVICES, env: { ...process.env, LAB_PORT_OFFSET: 'x' } }), (err: LabError) => err.exitCode === 2 && /LAB_PORT_OFFSET/.test(err.message));
});
