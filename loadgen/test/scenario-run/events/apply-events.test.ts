import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { openLocalRuntime } from '../../../src/runtime/index.js';
import { probeStatus } from '../../../src/runtime/local/health.js';
import type { LabRuntime } from '../../../src/runtime/types.js';
import { startEvents } from '../../../src/scenario-run/events/apply-events.js';
import { validateEvents } from '../../../src/scenario/validate-events.js';

// Events against a real row (node-eventloop) and the real upstream, supervised as under
// `lab run`. Ports: LAB_PORT_OFFSET 7100 (this stream's range).

async function upstreamConfig(runtime: LabRuntime): Promise<Record<string, number>> {
  const res = await fetch(`${runtime.upstream.httpUrl}/admin/config`);
  return (await res.json()) as Record<string, number>;
}

async function until(what: string, pred: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('step events on a real row and upstream', () => {
  let runtime: LabRuntime;
  let logDir: string;
  before(async () => {
    logDir = mkdtempSync(path.join(tmpdir(), 'lab-events-'));
    runtime = await openLocalRuntime({ portOffset: 7100, logDir, targets: ['node-eventloop'], supervise: { initialBackoffMs: 50 } });
    assert.equal(runtime.targets.length, 1, JSON.stringify(runtime.unavailable));
  });
  after(async () => {
    await runtime?.stop();
    rmSync(logDir, { recursive: true, force: true });
  });

  it('applies upstream settings for their time and puts them back, kills the row (the supervisor brings it back, downtime recorded), pauses and thaws', async () => {
    const target = runtime.targets[0]!;
    const original = await upstreamConfig(runtime);
    const { events, problems } = validateEvents([
      { at: '200ms', upstream: { delay_ms: 1500, error_rate: 0.25 }, for: '1s' },
      { at: '300ms', kill: 'target' },
      { at: '1500ms', pause: 'target', for: '500ms' },
    ], { durationS: 10 });
    assert.deepEqual(problems, []);
    const run = startEvents(events, { runtime, target, t0: performance.now() });
    await until('the upstream setting', async () => (await upstreamConfig(runtime)).delay_ms === 1500);
    assert.equal((await upstreamConfig(runtime)).error_rate, 0.25);
    await until('the upstream put back', async () => (await upstreamConfig(runtime)).delay_ms === original.delay_ms);
    await until('the pause to end', async () => run.records[2]!.end_s !== null);
    await until('the row back after the kill', async () => run.records[1]!.end_s !== null);
    const records = await run.finish();

    const [up, kill, pause] = records;
    assert.equal(up!.outcome, 'ok', up!.message);
    assert.equal(up!.service, 'upstream');
    assert.ok(up!.t_s! >= 0.2 && up!.end_s! >= up!.at_s + 1, JSON.stringify(up));
    assert.deepEqual(await upstreamConfig(runtime), original);

    assert.equal(kill!.outcome, 'ok', kill!.message);
    assert.equal(kill!.service, 'node-eventloop');
    assert.ok(kill!.downtime_s! > 0, JSON.stringify(kill));
    assert.match(kill!.message, /SIGKILLed node-eventloop; healthy again after/);
    const life = runtime.lifeEvents().map((e) => e.kind);
    assert.deepEqual(life.slice(-3), ['crashed', 'restarting', 'restarted']);

    assert.equal(pause!.outcome, 'ok', pause!.message);
    assert.ok(pause!.end_s! >= pause!.at_s + 0.5, JSON.stringify(pause));
    assert.equal(await probeStatus(`${target.httpUrl}/healthz`, 3000), 200, 'thawed');
  });

  it('finish() in the middle (an interrupted run) thaws what is frozen, restores the upstream and skips what had not happened', async () => {
    const target = runtime.targets[0]!;
    const original = await upstreamConfig(runtime);
    const { events } = validateEvents([
      { at: '0s', upstream: { error_rate: 0.5 } },
      { at: '100ms', pause: 'target', for: '30s' },
      { at: '25s', kill: 'target' },
    ], { durationS: 60 });
    const run = startEvents(events, { runtime, target, t0: performance.now() });
    await until('the pause', async () => run.records[1]!.outcome === 'ok');
    assert.equal((await upstreamConfig(runtime)).error_rate, 0.5);
    const records = await run.finish();
    assert.deepEqual(await upstreamConfig(runtime), original, 'restored without a `for`');
    assert.equal(await probeStatus(`${target.httpUrl}/healthz`, 3000), 200, 'thawed');
    assert.ok(records[1]!.end_s !== null);
    assert.equal(records[2]!.outcome, 'skipped');
    assert.equal(records[2]!.t_s, null);
  });

  it('an event that cannot be applied is recorded as failed with the reason', async () => {
    const target = runtime.targets[0]!;
    const { events } = validateEvents([{ at: '0s', kill: 'no-such-row' }], { durationS: 5 });
    const run = startEvents(events, { runtime, target, t0: performance.now() });
    await until('the event', async () => run.records[0]!.outcome !== 'skipped');
    const [r] = await run.finish();
    assert.equal(r!.outcome, 'failed');
    assert.match(r!.message, /cannot kill 'no-such-row': not part of this lab/);
  });
});
