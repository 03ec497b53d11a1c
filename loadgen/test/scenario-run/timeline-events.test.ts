import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readResults } from '../../src/results/files.js';
import { openLocalRuntime } from '../../src/runtime/index.js';
import type { LabRuntime } from '../../src/runtime/types.js';
import { runScenario } from '../../src/scenario-run/run-scenario.js';
import { parseScenarioText } from '../../src/scenario/load.js';

// Issue 11's Done-when: a short scenario with an upstream slowdown and a kill on two real rows,
// run as `lab run` runs it (supervised local runtime), checked in results.json: the timeline,
// the recorded events, the restart and the recovery figures. Ports: LAB_PORT_OFFSET 7300.

const ROWS = ['node-eventloop', 'python-threads'];
const SCENARIO = `
name: timeline-events-test
executor: connections-sweep
request: { text: "hello my friend" }
steps: [20]
warmup: 1s
duration: 14s
cooldown: 1s
upstream: { delay_ms: 20 }
events:
  - { at: 2s, upstream: { delay_ms: 400 }, for: 2s }
  - { at: 8s, kill: target }
# The Findings this test reads must not depend on how busy the shared test machine is.
allow_busy: true
`;

describe('a scenario with an upstream slowdown and a kill, on two real rows', () => {
  let runtime: LabRuntime;
  let out: string;
  before(async () => {
    out = mkdtempSync(path.join(os.tmpdir(), 'lab-timeline-events-'));
    runtime = await openLocalRuntime({ portOffset: 7300, logDir: path.join(out, 'logs'), targets: ROWS, supervise: true });
    assert.deepEqual(runtime.targets.map((t) => t.name).sort(), [...ROWS].sort(), `rows not running: ${JSON.stringify(runtime.unavailable)}`);
  });
  after(async () => {
    await runtime?.stop();
    rmSync(out, { recursive: true, force: true });
  });

  it('records a per-second timeline, both events, the restart and the recovery of each row; the upstream is put back', async () => {
    const before = await (await fetch(`${runtime.upstream.httpUrl}/admin/config`)).json();
    const outcome = await runScenario(runtime, parseScenarioText(SCENARIO), { outDir: out, targets: ROWS });
    const r = readResults(outcome.dir); // validates against results.schema.json
    assert.equal(r.schema_version, 3);
    assert.equal(r.status, 'complete', JSON.stringify(outcome.failedTargets));
    assert.deepEqual(await (await fetch(`${runtime.upstream.httpUrl}/admin/config`)).json(), before, 'the upstream as it was before the run');

    for (const t of r.targets) {
      const step = t.steps[0]!;
      const seconds = step.timeline!.seconds;
      const phases = (p: string) => seconds.filter((s) => s.phase === p);
      assert.ok(phases('warmup').length >= 1 && phases('cooldown').length >= 1, `${t.name}: warmup and cooldown seconds`);
      const measure = phases('measure');
      assert.ok(measure.length >= 14 && measure[0]!.t_s === 0, `${t.name}: measure seconds from 0: ${measure.map((s) => s.t_s)}`);
      assert.equal(measure.reduce((a, s) => a + s.requests, 0), step.requests, `${t.name}: every answer of the step in one second of the timeline`);
      // Sampled once a second (a scrape that has not answered yet is not stacked): most seconds have the server's side.
      const sampled = measure.filter((s) => s.up && (s.threads ?? 0) > 0 && (s.rss_bytes ?? 0) > 0);
      assert.ok(sampled.length >= measure.length * 0.6, `${t.name}: server sampled: ${JSON.stringify(measure.map((s) => [s.t_s, s.up, s.threads]))}`);

      const [slow, kill] = step.events!;
      assert.equal(slow!.kind, 'upstream');
      assert.equal(slow!.outcome, 'ok', slow!.message);
      assert.ok(slow!.t_s! >= 2 && slow!.end_s! >= slow!.at_s + 2, `held until its offset + for: ${JSON.stringify(slow)}`);
      assert.equal(kill!.kind, 'kill');
      assert.equal(kill!.service, t.name, 'kill: target is the row being measured');
      assert.equal(kill!.outcome, 'ok', kill!.message);
      assert.ok(kill!.downtime_s! > 0, JSON.stringify(kill));

      // The supervisor's record of the same kill: crashed, relaunched, healthy again with its downtime.
      const life = step.supervision!.filter((e) => e.service === t.name).map((e) => e.kind);
      assert.deepEqual(life, ['crashed', 'restarting', 'restarted'], JSON.stringify(step.supervision));
      assert.ok(step.supervision!.find((e) => e.kind === 'restarted')!.downtime_s! > 0);

      const [slowRec, killRec] = step.recovery!;
      // Through a 400 ms upstream 20 connections give 50 req/s against hundreds before: no second
      // of the slowdown is within 10%, so the first second back starts no earlier than the one it ended in.
      assert.ok(slowRec!.baseline_rps! > 200, JSON.stringify(slowRec));
      assert.ok(slowRec!.recovered && slowRec!.t_s + slowRec!.recovery_s! >= Math.floor(slow!.end_s!), JSON.stringify({ slowRec, slow }));
      assert.ok(slowRec!.peak_inflight! >= 10, `requests held in flight during the slowdown: ${JSON.stringify(slowRec)}`);
      assert.ok(killRec!.baseline_rps! > 0, JSON.stringify(killRec));
      assert.ok(killRec!.connection_errors > 0, `clients were refused while the row was down: ${JSON.stringify(killRec)}`);
      // The second of the kill cannot be back (the row was down in it), so a recovery takes time.
      assert.ok(!killRec!.recovered || killRec!.recovery_s! > 0, JSON.stringify(killRec));
      // Retries back off (50 ms doubling to 1 s) and are counted apart: the errors are requests.
      // Without the backoff 20 connections retried 7-18k times a second, each an "error".
      const rc = step.reconnects!;
      assert.ok(rc, `${t.name}: the step says how long the row was unreachable`);
      assert.ok(rc.unreachable_s > 0 && rc.unreachable_s <= kill!.downtime_s! + 1.5, `${t.name}: unreachable ${rc.unreachable_s} s, down ${kill!.downtime_s} s`);
      assert.ok(rc.attempts > 0 && rc.attempts <= 20 * (6 + 2 * rc.unreachable_s), `${t.name}: ${rc.attempts} retries in ${rc.unreachable_s} s unreachable`);
      assert.ok(step.errors.connection <= 20 * 3, `${t.name}: connection errors count requests, not retries: ${JSON.stringify(step.errors)}`);
      const killSeconds = measure.filter((s) => s.t_s >= 8 && s.t_s < 8 + Math.ceil(kill!.downtime_s!));
      assert.ok(killSeconds.some((s) => s.rps < killRec!.baseline_rps! * 0.9), `${t.name}: the timeline shows the kill`);
    }
    const summary = readFileSync(path.join(outcome.dir, 'summary.md'), 'utf8');
    assert.match(summary, /## Events and recovery/);
    assert.match(summary, /## Supervision/);
    assert.match(summary, /Unreachable: the target refused connections/);
    assert.match(summary, /after kill node-eventloop at 8 s: req\/s (back to 90%|not back)/, 'a Finding per event and row');
    assert.match(summary, /!\[timeline-step1-rps\]\(timeline-step1-rps\.png\)/, 'the step\'s timeline charts');
  });
});
