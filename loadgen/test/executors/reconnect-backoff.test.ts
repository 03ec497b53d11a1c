import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import autocannon from 'autocannon';
import { feedAutocannon } from '../../src/executors/load-common/autocannon-timeline.js';
import { Reachability, reconnectDelayMs, reconnectWithBackoff, RECONNECT_MAX_MS } from '../../src/executors/load-common/reconnect-backoff.js';
import { WindowTally } from '../../src/executors/load-common/window-tally.js';
import { sleep } from '../../src/core/sleep.js';

// Issue 20: while a target is down, autocannon's connections retry with backoff and the retries
// are counted apart from request errors. Against a real port the kernel refuses (nothing
// listens), then a real server that starts listening on it.

const CONNECTIONS = 10;

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function load(port: number, seconds: number, tally: WindowTally, reach: Reachability): Promise<void> {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url: `http://127.0.0.1:${port}/`, connections: CONNECTIONS, pipelining: 1, duration: seconds, timeout: 10, setupClient: reconnectWithBackoff(reach) } as autocannon.Options,
      (err) => (err ? reject(err) : resolve()));
    feedAutocannon(instance, tally);
  });
}

describe('reconnects with backoff', () => {
  it('waits 50 ms before a first retry, doubling to 1 s, drawn from the upper half', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map((n) => reconnectDelayMs(n, () => 1)), [50, 100, 200, 400, 800, 1000, 1000]);
    assert.deepEqual([1, 6].map((n) => reconnectDelayMs(n, () => 0)), [25, RECONNECT_MAX_MS / 2]);
  });

  it('a refused target: one request error per connection, retries bounded and counted apart, unreachable the whole time', async () => {
    const port = await freePort();
    const tally = new WindowTally(10_000);
    const reach = new Reachability();
    const t0 = performance.now();
    await load(port, 3, tally, reach);
    const m = tally.measurement();
    const elapsedS = (performance.now() - t0) / 1000;
    assert.equal(m.requests, 0);
    assert.equal(m.errors.connection, CONNECTIONS, `the first refusal of each connection is its failed request: ${JSON.stringify(m.errors)}`);
    // 25-50, 50-100, 100-200, 200-400, 400-800 ms, then 0.5-1 s each: at most ~8 retries a connection in 3 s.
    assert.ok(tally.reconnects >= CONNECTIONS * 3 && tally.reconnects <= CONNECTIONS * 10, `retries: ${tally.reconnects} (without backoff: thousands a second)`);
    const unreachable = reach.unreachableS(tally.t0, tally.closedAt!);
    assert.ok(unreachable > elapsedS - 0.5 && unreachable <= elapsedS, `unreachable ${unreachable} s of ${elapsedS.toFixed(2)} s`);
  });

  it('a target that comes up: answers resume within the backoff, and only the time it refused counts as unreachable', async () => {
    const port = await freePort();
    const tally = new WindowTally(10_000);
    const reach = new Reachability();
    const server = http.createServer((_req, res) => res.end('ok'));
    try {
      const run = load(port, 4, tally, reach);
      await sleep(1500);
      const upAt = performance.now();
      await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
      await run;
      const m = tally.measurement();
      assert.ok(m.ok > 100, `answers after the target came up: ${m.ok}`);
      const unreachable = reach.unreachableS(tally.t0, tally.closedAt!);
      const downS = (upAt - tally.t0) / 1000;
      // Until the quickest of 10 connections retried (each waits at most 1 s).
      assert.ok(unreachable >= downS - 0.05 && unreachable <= downS + RECONNECT_MAX_MS / 1000, `unreachable ${unreachable} s, down ${downS.toFixed(2)} s`);
      assert.equal(m.errors.connection, CONNECTIONS, JSON.stringify(m.errors));
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
