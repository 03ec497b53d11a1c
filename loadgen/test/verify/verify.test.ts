import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openLocalRuntime } from '../../src/runtime/index.js';
import { findFreePortOffset } from '../../src/runtime/ports.js';
import { formatVerifyReport, verifyTargets, type VerifyReport } from '../../src/verify/index.js';
import { FIXTURE_SERVICES, REPO_ROOT } from '../helpers/paths.js';
import { assertGroupGone } from '../helpers/processes.js';

async function verifyWith(servicesDir: string, targets: string[]): Promise<VerifyReport> {
  const offset = await findFreePortOffset();
  const logDir = mkdtempSync(path.join(tmpdir(), 'lab-verify-'));
  // A short upstream timeout keeps the 504 check at ~2 s per target.
  const runtime = await openLocalRuntime({ servicesDir, targets, portOffset: offset, logDir, upstreamTimeoutMs: 1500 });
  const groups = runtime.started;
  try {
    return await verifyTargets(runtime);
  } finally {
    await runtime.stop();
    rmSync(logDir, { recursive: true, force: true });
    for (const g of groups) await assertGroupGone(g.pgid, g.name);
  }
}

function assertNoFailure(report: VerifyReport, targets: string[]): void {
  const text = formatVerifyReport(report);
  assert.deepEqual(report.unavailable, [], text);
  assert.deepEqual(report.targets.map((t) => t.name).sort(), [...targets].sort(), text);
  const failed = report.targets.flatMap((t) => t.checks.filter((c) => c.status === 'fail'));
  assert.deepEqual(failed, [], text);
  assert.equal(report.ok, true, text);
  for (const t of report.targets) {
    const names = new Set(t.checks.map((c) => c.check));
    for (const check of ['healthz', 'echo.body', 'line.in-order', 'line.too-long', 'line.invalid-utf8', 'bad-input.text-too-long',
      'upstream-error.http', 'upstream-error.line', 'upstream-timeout.http', 'metrics.names', 'disconnect.no-leak', 'nagle', 'overhead.result',
      'overhead.result.pool', 'overhead.result.spawn', 'overhead.keep-alive', 'overhead.bad-input', 'overhead.bad-mode', 'cpu-ms', 'bad-input.cpu-ms-too-big']) {
      assert.ok(names.has(check), `${t.name}: check ${check} did not run\n${text}`);
    }
    const timeout = t.checks.find((c) => c.check === 'upstream-timeout.http');
    assert.equal(timeout?.status, 'pass', 'the runtime knows the timeout it started the row with');
  }
}

test('the first real rows (python-threads, node-eventloop) pass every verify check', async () => {
  const targets = ['python-threads', 'node-eventloop'];
  assertNoFailure(await verifyWith(path.join(REPO_ROOT, 'services'), targets), targets);
});

test('the contract-complete fixture passes and the broken one fails exactly where it is broken', async () => {
  const report = await verifyWith(FIXTURE_SERVICES, ['good-echo', 'broken-echo']);
  const good = report.targets.find((t) => t.name === 'good-echo')!;
  assert.deepEqual(good.checks.filter((c) => c.status === 'fail'), [], formatVerifyReport(report));
  const broken = report.targets.find((t) => t.name === 'broken-echo')!;
  const failed = new Set(broken.checks.filter((c) => c.status === 'fail').map((c) => c.check));
  for (const check of ['echo.body', 'echo.unicode', 'line.in-order', 'metrics.names', 'cpu-ms', 'limits.header-field-over', 'limits.header-fields-over', 'limits.body-over', 'limits.line-empty', 'limits.refusals-not-counted']) assert.ok(failed.has(check), `${check} should fail\n${formatVerifyReport(report)}`);
  for (const check of ['healthz', 'bad-input.missing-text', 'upstream-error.http', 'disconnect.no-leak', 'limits.header-fields-under', 'limits.line-counted']) assert.ok(!failed.has(check), `${check} should pass`);
  const over = broken.checks.find((c) => c.check === 'limits.header-field-over')!;
  assert.match(over.message, /one header field of 9216 bytes \(limit 8192 bytes of header fields\): expected 431, got HTTP\/1\.1 200/);
  const names = broken.checks.find((c) => c.check === 'metrics.names')!;
  assert.match(names.message, /lab_os_threads/);
  assert.match(names.url ?? '', /\/metrics$/);
  assert.equal(report.ok, false);
});
