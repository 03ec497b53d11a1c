// A real tour (three tiny parts) against a real row: one tour folder with a run folder per
// part, tour.json and a summary.md whose Findings come from every part; the web store lists it
// as one tour and serves its parts and combined Findings.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openRuntime } from '../../src/runtime/index.js';
import type { LabRuntime } from '../../src/runtime/types.js';
import { readTourIndex } from '../../src/results/tour-index.js';
import { runTour, type TourProgress } from '../../src/scenario-run/run-tour.js';
import { parseTourText } from '../../src/scenario/tour.js';
import { ResultsStore } from '../../src/web-server/results-store.js';

const OFFSET = 5300; // this file's own ports (issue 13's range 5000-5900)
const TOUR = `name: mini
description: three tiny parts
parts:
  - { name: mini-load, executor: connections-sweep, request: { text: hi, delay_ms: 20 }, steps: [1, 4], duration: 1s, upstream: { delay_ms: 20 } }
  - { name: mini-overhead, executor: overhead, steps: [2, 4], duration: 1s, overhead: { tasks: 20, sleep_ms: 5, modes: [pool] } }
  - { name: mini-idle, executor: idle-connections, steps: [5], duration: 1s }
`;

let runtime: LabRuntime;
let out = '';
before(async () => {
  out = mkdtempSync(path.join(os.tmpdir(), 'lab-run-tour-'));
  runtime = await openRuntime({ kind: 'local', targets: ['node-eventloop'], portOffset: OFFSET, logDir: path.join(out, 'logs') });
  assert.deepEqual(runtime.targets.map((t) => t.name), ['node-eventloop'], JSON.stringify(runtime.unavailable));
});
after(async () => {
  await runtime?.stop();
  if (out) rmSync(out, { recursive: true, force: true });
});

test('a tour runs its parts in order into one folder and computes one Findings section from all of them', async () => {
  const events: TourProgress[] = [];
  const parts: string[] = [];
  // allowBusy: this test is about the tour, and a shared test machine is always busy (other
  // programs above 0.05 of a core would leave every step out of the Findings it checks).
  const outcome = await runTour(runtime, parseTourText(TOUR), { outDir: path.join(out, 'results'), onProgress: (p) => events.push(p), onPart: (s) => parts.push(s.name), allowBusy: true });
  assert.deepEqual(parts, ['mini-load', 'mini-overhead', 'mini-idle']);
  assert.equal(outcome.aborted, false);
  assert.deepEqual(outcome.failedTargets, []);
  const index = readTourIndex(outcome.dir);
  assert.equal(index.status, 'complete');
  assert.deepEqual(index.parts.map((p) => p.status), ['complete', 'complete', 'complete']);
  for (const p of index.parts) assert.ok(existsSync(path.join(outcome.dir, p.dir!, 'results.json')), p.dir!);
  // Progress: every event names the tour folder as its run folder, and the share of the tour only grows.
  assert.ok(events.every((e) => e.resultDir === outcome.dir && e.partDir.startsWith(outcome.dir + path.sep)));
  const fractions = events.map((e) => e.tour.fraction);
  assert.ok(fractions.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= fractions[i - 1]! - 1e-9)), fractions.join(','));
  assert.deepEqual([...new Set(events.map((e) => e.tour.part_name))], ['mini-load', 'mini-overhead', 'mini-idle']);

  const summary = readFileSync(path.join(outcome.dir, 'summary.md'), 'utf8');
  assert.match(summary, /## Findings/);
  assert.match(summary, /Most req\/s per server CPU-second/);
  assert.match(summary, /Least memory per idle connection/);
  assert.match(summary, /overhead at 4 workers, pool mode|pool mode: .* overhead at 4 workers/);
  const kinds = new Set(outcome.findings.rows.flatMap((r) => r.items.map((i) => i.kind)));
  for (const k of ['knee', 'peak', 'idle', 'overhead']) assert.ok(kinds.has(k as never), `finding ${k} missing: ${[...kinds].join(', ')}`);

  const store = new ResultsStore(path.join(out, 'results'));
  const [listing] = store.list();
  assert.equal(listing?.kind, 'tour');
  assert.equal(listing?.scenario, 'mini');
  assert.deepEqual(listing?.targets, ['node-eventloop']);
  const got = store.get(listing!.id);
  assert.equal(got.kind, 'tour');
  if (got.kind !== 'tour') return;
  assert.deepEqual(got.parts.map((p) => p.name), ['mini-load', 'mini-overhead', 'mini-idle']);
  assert.ok(got.findings.rankings.length >= 3, JSON.stringify(got.findings.rankings.map((r) => r.question)));
  const chart = got.parts[0]!.charts.find((c) => c.endsWith('.svg'))!;
  assert.ok(existsSync(store.partChartFile(listing!.id, got.parts[0]!.id, chart)));
  assert.throws(() => store.partChartFile(listing!.id, '../x', chart), /no part/);
  assert.throws(() => store.compare(listing!.id, listing!.id), /is a tour/);
});
