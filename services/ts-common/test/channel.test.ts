import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedChannel } from '../src/channel.js';

test('channel: send waits while capacity items are queued, receive frees a slot', async () => {
  const ch = new BoundedChannel<number>(2);
  await ch.send(1);
  await ch.send(2);
  let third = false;
  const sending = ch.send(3).then(() => { third = true; });
  await new Promise((r) => setImmediate(r));
  assert.equal(third, false, 'a third send must wait while 2 are queued');
  assert.equal(await ch.receive(), 1);
  await sending;
  assert.equal(third, true);
  assert.deepEqual([await ch.receive(), await ch.receive(), ch.size], [2, 3, 0]);
});

test('channel: a waiting receiver gets the next send, close ends the rest with undefined', async () => {
  const ch = new BoundedChannel<string>(1);
  const first = ch.receive();
  const second = ch.receive();
  await ch.send('a');
  assert.equal(await first, 'a');
  ch.close();
  assert.equal(await second, undefined);
  assert.equal(await ch.receive(), undefined);
  await assert.rejects(ch.send('b'), /closed/);
  assert.throws(() => new BoundedChannel(0), RangeError);
});
