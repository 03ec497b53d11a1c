import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readResults } from '../../src/results/files.js';
import { StepConsole } from '../../src/results/step-console.js';
import { REPO_ROOT } from '../helpers/paths.js';

// `lab up`'s console: the committed tour's steps (idle, connections, overhead) fed one after the
// other as a tour runs them, each printed in its owner view's columns.

const TOUR = path.join(REPO_ROOT, 'docs', 'results', 'tour');

describe('lab up console lines', () => {
  it('prints each part of a tour in its executor\'s columns: no req/s for overhead, bytes per connection for idle', () => {
    const out = new StepConsole('  ');
    const partLines = (dir: string) => {
      const r = readResults(path.join(TOUR, dir));
      const t = r.targets[0]!;
      return { t, lines: t.steps.flatMap((s) => out.lines(t.name, s)).join('\n') };
    };
    const idle = partLines('2026-12-01T22-31-29Z_tour-idle');
    assert.match(idle.lines, /^ {2}target/, 'header first');
    assert.match(idle.lines, /idle: \d+ open, [\d.]+ (KiB|MiB|B)\/conn, [\d.]+ threads\/conn/);
    const load = partLines('2026-12-01T22-31-57Z_tour-connections');
    // Same columns as the idle part (idle steps are read with the load table): no second header.
    assert.doesNotMatch(load.lines, /target/);
    assert.match(load.lines, new RegExp(`${load.t.name} +${load.t.steps[0]!.load} +${load.t.steps[0]!.rps.toFixed(1)} `));
    const overhead = partLines('2026-12-01T22-33-56Z_tour-overhead');
    assert.doesNotMatch(overhead.lines, /req\/s|ideal -/, overhead.lines);
    assert.match(overhead.lines, /^ {2}target +workers +mode/m, 'the overhead header when the columns change');
    const first = overhead.t.steps[0]!.overhead!.modes[0]!;
    assert.match(overhead.lines, new RegExp(`${first.mode ?? 'spawn'} +${first.tasks} .* ${first.overhead!.toFixed(2)}x`));
  });
});
