import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateEvents } from '../../src/scenario/validate-events.js';

test('valid events come back sorted by offset, with seconds parsed', () => {
  const { problems, events } = validateEvents([
    { at: '8s', kill: 'target' },
    { at: '2s', upstream: { delay_ms: 2000, error_rate: 0.5 }, for: '5s' },
    { at: '9s', pause: 'upstream', for: '500ms' },
    { at: '0s', restart: 'node-eventloop' },
  ], { durationS: 10, knownServices: ['node-eventloop'] });
  assert.deepEqual(problems, []);
  assert.deepEqual(events, [
    { index: 3, kind: 'restart', atS: 0, target: 'node-eventloop' },
    { index: 1, kind: 'upstream', atS: 2, forS: 5, upstream: { delay_ms: 2000, error_rate: 0.5 } },
    { index: 0, kind: 'kill', atS: 8, target: 'target' },
    { index: 2, kind: 'pause', atS: 9, forS: 0.5, target: 'upstream' },
  ]);
});

test('every problem at once, each at its key path', () => {
  const { problems, events } = validateEvents([
    { at: '12s', kill: 'target' },
    { at: '2s', upstream: { delay_ms: 2000 }, for: '9s' },
    { at: 'soon', pause: 'target' },
    { at: '1s', kill: 'nosuch', restart: 'target' },
    { at: '1s', upstream: { delay_ms: -1, error_rate: 2, colour: 'red' } },
    { at: '1s', kill: 'target', for: '2s', extra: 1 },
    'kill target',
    { kill: 'target' },
  ], { durationS: 10, knownServices: ['node-eventloop'], requestSetsDelay: true });
  assert.deepEqual(events, []);
  const got = problems.map((p) => `${p.path}: ${p.message}`);
  const expect = [
    /^events\[0\]\.at: 12 s is not inside the measure phase \(duration 10 s\)$/,
    /^events\[1\]\.for: ends at 11 s, after the measure phase/,
    /^events\[1\]\.upstream\.delay_ms: has no effect while request\.delay_ms is set/,
    /^events\[2\]\.at: "soon" is not a duration/,
    /^events\[2\]\.for: is required for a pause/,
    /^events\[3\]: has kill and restart: one action per event$/,
    /^events\[4\]\.upstream\.delay_ms: must be an integer from 0 to 60000, got -1$/,
    /^events\[4\]\.upstream\.error_rate: must be a number from 0 to 1, got 2$/,
    /^events\[4\]\.upstream\.colour: unknown key 'colour'/,
    /^events\[5\]\.extra: unknown key 'extra'/,
    /^events\[5\]\.for: does not apply to kill/,
    /^events\[6\]: must be a mapping/,
    /^events\[7\]\.at: is required/,
  ];
  for (const re of expect) assert.ok(got.some((g) => re.test(g)), `missing ${re}\ngot:\n${got.join('\n')}`);
  const unknownTarget = validateEvents([{ at: '1s', kill: 'nosuch' }], { durationS: 10, knownServices: ['node-eventloop'] }).problems;
  assert.match(unknownTarget[0]!.message, /must be 'target' \(the row being measured\), 'upstream' or one of: node-eventloop; got "nosuch"/);
});

test('an executor without a timeline refuses events; not a list is one clear problem', () => {
  assert.deepEqual(validateEvents([{ at: '1s', kill: 'target' }], { durationS: 5, executorRefuses: 'overhead has no timeline: events need one' }).problems,
    [{ path: 'events', message: 'overhead has no timeline: events need one' }]);
  assert.match(validateEvents({ at: '1s' }).problems[0]!.message, /must be a list of events/);
  assert.deepEqual(validateEvents(undefined), { problems: [], events: [] });
});
