import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { leanClientChosen } from '../../src/executors/connections-sweep.js';
import { runLean } from '../../src/executors/lean-http.js';

// The lean client against a real node:http server that answers in every framing a row may use
// (Content-Length, chunked, Connection: close, HTTP/1.0), wrong bodies, errors and silence.

const BODY = 'echo: ahoy me matey\n';
let server: http.Server;
let base = '';

before(async () => {
  server = http.createServer((req, res) => {
    const kind = new URL(req.url!, 'http://x').searchParams.get('kind');
    if (kind === 'silent') return; // never answers
    if (kind === 'chunked') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write(BODY.slice(0, 6));
      setImmediate(() => res.end(BODY.slice(6)));
      return;
    }
    if (kind === 'close') {
      res.writeHead(200, { 'content-length': Buffer.byteLength(BODY), connection: 'close' });
      return res.end(BODY);
    }
    if (kind === 'mixed') {
      // Every third answer a 502, every fifth a wrong body.
      const n = (server as unknown as { n: number }).n = ((server as unknown as { n?: number }).n ?? 0) + 1;
      if (n % 3 === 0) { res.writeHead(502, { 'content-length': 15 }); return res.end('error: upstream'); }
      const body = n % 5 === 0 ? 'echo: wrong body!!!\n' : BODY;
      res.writeHead(200, { 'content-length': Buffer.byteLength(body) });
      return res.end(body);
    }
    res.writeHead(200, { 'content-length': Buffer.byteLength(BODY) });
    res.end(BODY);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));

const run = (kind: string, extra: Partial<Parameters<typeof runLean>[0]> = {}) =>
  runLean({ url: `${base}/echo?kind=${kind}`, connections: 4, durationS: 0.5, timeoutS: 10, expectBody: BODY, signal: new AbortController().signal, ...extra });

describe('lean HTTP client', () => {
  for (const kind of ['length', 'chunked', 'close']) {
    it(`counts every right answer (${kind})`, async () => {
      let live = 0;
      const r = await run(kind, { onOk: () => live++ });
      assert.ok(r.ok > 10, `${r.ok} answers`);
      assert.equal(r.requests, r.ok);
      assert.equal(live, r.ok);
      assert.deepEqual([r.non2xx, r.mismatches, r.timeouts, r.connectionErrors], [0, 0, 0, 0]);
      assert.equal(r.histogram.totalCount, r.ok);
      assert.ok(Math.abs(r.durationS - 0.5) < 0.25, `measured over its own 0.5 s (${r.durationS})`);
    });
  }

  it('tells error statuses from wrong bodies', async () => {
    const r = await run('mixed', { connections: 1 });
    assert.ok(r.requests > 15);
    assert.equal(r.requests, r.ok + r.non2xx + r.mismatches);
    assert.equal(r.byStatus['502'], r.non2xx);
    assert.ok(r.non2xx > 0 && r.mismatches > 0 && r.ok > r.non2xx, JSON.stringify(r));
  });

  it('a silent server is counted in timeouts, a refused port in connection errors', async () => {
    const silent = await run('silent', { durationS: 1.5, timeoutS: 0.5, connections: 2 });
    assert.equal(silent.requests, 0);
    assert.ok(silent.timeouts >= 2, JSON.stringify(silent));
    const refused = await runLean({ url: 'http://127.0.0.1:1/echo', connections: 2, durationS: 0.3, timeoutS: 1, expectBody: BODY, signal: new AbortController().signal });
    assert.equal(refused.requests, 0);
    assert.ok(refused.connectionErrors >= 2);
  });

  it('stops at once on abort', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const r = await run('length', { durationS: 30, signal: ac.signal });
    assert.ok(r.durationS < 10, `stopped long before its 30 s, after ${r.durationS} s`);
  });

  it('is the default unless LAB_LOADGEN=autocannon or worker threads are wanted', () => {
    assert.equal(leanClientChosen(undefined, {}), true);
    assert.equal(leanClientChosen(2, {}), false);
    assert.equal(leanClientChosen(undefined, { LAB_LOADGEN: 'autocannon' }), false);
    assert.equal(leanClientChosen(2, { LAB_LOADGEN: 'lean' }), true);
    assert.throws(() => leanClientChosen(undefined, { LAB_LOADGEN: 'curl' }), /LAB_LOADGEN must be/);
  });
});
