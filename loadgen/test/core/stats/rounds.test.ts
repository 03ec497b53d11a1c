import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TrialRounds } from '../../../src/core/stats/rounds.js';

test('keys are measured in rounds, in order, until each is precise or has max trials', () => {
  const rounds = new TrialRounds(['a', 'b', 'c'], { precision: 0.05, maxTrials: 8 });
  // a is steady, b is steady in rps but not in p99, c is noisy.
  const steady = [100, 101, 99, 100, 102, 98, 100, 101];
  const noisy = [100, 140, 70, 120, 80, 130, 60, 110];
  const seen: string[][] = [];
  for (let order = rounds.nextRound(); order.length; order = rounds.nextRound()) {
    seen.push(order);
    const i = rounds.round - 1;
    for (const key of order) {
      if (key === 'a') rounds.record(key, { rps: steady[i]! });
      if (key === 'b') rounds.record(key, { rps: steady[i]!, p99_ms: noisy[i]! });
      if (key === 'c') rounds.record(key, { rps: noisy[i]! });
    }
  }
  // Six trials are the fewest with a 95% interval: a stops there; b and c run to 8.
  assert.deepEqual(seen, [...Array(6).fill(['a', 'b', 'c']), ['b', 'c'], ['b', 'c']]);
  assert.equal(rounds.stateOf('a').decisions.rps!.reason, 'precise');
  assert.equal(rounds.stateOf('b').decisions.rps!.reason, 'precise');
  assert.equal(rounds.stateOf('b').decisions.p99_ms!.reason, 'max-trials');
  assert.equal(rounds.stateOf('c').trials.length, 8);
  assert.equal(rounds.done(), true);
  assert.deepEqual(rounds.nextRound(), []);
  assert.throws(() => rounds.record('a', { rps: 1 }), /already has its trials/);
});

test('a key whose figure is missing in some trials still stops at max trials', () => {
  const rounds = new TrialRounds(['x'], { precision: 0.05, maxTrials: 3 });
  for (let i = 0; i < 3; i++) rounds.record('x', i === 1 ? {} : { rps: 10 });
  assert.equal(rounds.done(), true);
  assert.equal(rounds.stateOf('x').decisions.rps!.reason, 'max-trials');
});

test('bad rules and keys are refused with every reason', () => {
  assert.throws(() => new TrialRounds(['a', 'a'], { precision: 0, maxTrials: 3 }), /precision.*unique/);
  const rounds = new TrialRounds(['a'], { precision: 0.05, maxTrials: 3 });
  assert.throws(() => rounds.record('z' as 'a', { rps: 1 }), /unknown trial key/);
});
