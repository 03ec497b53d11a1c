// The tour file format (loadgen/src/scenario/tour.ts): the shipped tour, every problem of every
// part at once with its key path and line, and how a tour is told from a scenario.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ScenarioError } from '../../src/model/problems.js';
import { isTourFile, listRunnables, loadTour, parseTourText } from '../../src/scenario/tour.js';

test('the shipped tour: a connections sweep, pool-mode overhead and idle connections, each a valid scenario', () => {
  const tour = loadTour('tour');
  assert.equal(tour.name, 'tour');
  assert.deepEqual(tour.parts.map((p) => p.executor), ['idle-connections', 'connections-sweep', 'overhead']);
  assert.deepEqual(tour.parts[2]!.overhead?.modes, ['pool']);
  assert.ok(tour.parts[2]!.steps.includes(1000), 'the overhead ranking asks at 1000 workers');
  assert.equal(tour.targets, 'all');
  assert.equal(isTourFile('tour'), true);
  assert.equal(isTourFile('io-ramp'), false);
  const listed = listRunnables().find((s) => s.name === 'tour');
  assert.equal(listed?.executor, 'tour');
  assert.match(listed!.description, /parts: tour-idle, idle-connections; tour-connections, connections-sweep/);
});

test('a tour with problems in several parts reports all of them, with key path and line', () => {
  const text = [
    'name: Bad Name',
    'colour: red',
    'parts:',
    '  - name: one',
    '    executor: connections-sweep',
    '    steps: [0]',
    '    duration: 1s',
    '  - name: one',
    '    executor: idle-connections',
    '    steps: [5]',
    '    duration: 1s',
    '  - name: three',
    '    executor: overhead',
    '    steps: [2]',
    '    duration: 1s',
  ].join('\n');
  const err = (() => { try { parseTourText(text, 'bad.yaml'); } catch (e) { return e; } })();
  assert.ok(err instanceof ScenarioError, String(err));
  const paths = err.problems.map((p) => `${p.path}@${p.line}`);
  assert.ok(paths.includes('name@1'), paths.join(' '));
  assert.ok(paths.includes('colour@2'), paths.join(' '));
  assert.ok(paths.includes('parts[0].steps[0]@6'), paths.join(' '));
  assert.ok(paths.includes('parts[1].name@8'), paths.join(' '));
  assert.ok(paths.includes('parts[2].overhead@12'), paths.join(' '));
  assert.throws(() => parseTourText('name: t\nparts: []\n'), /parts: must be a non-empty list/);
});

test('lab run <tour> and the page find a tour by name or path; a scenario stays a scenario', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lab-tour-'));
  writeFileSync(path.join(dir, 'mine.yaml'), 'name: mine\nparts:\n  - { name: a, executor: idle-connections, steps: [1], duration: 1s }\n');
  writeFileSync(path.join(dir, 'plain.yaml'), 'name: plain\nexecutor: idle-connections\nsteps: [1]\nduration: 1s\n');
  assert.equal(isTourFile(path.join(dir, 'mine.yaml')), true);
  assert.equal(isTourFile('mine', dir), true);
  assert.equal(isTourFile(path.join(dir, 'plain.yaml')), false);
  assert.equal(isTourFile('missing', dir), false);
  assert.deepEqual(listRunnables(dir).map((s) => `${s.name}:${s.executor}`), ['mine:tour', 'plain:idle-connections']);
});
