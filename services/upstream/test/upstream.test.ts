import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { freePort, startService, type RunningService } from '@concurrency-lab/ts-common';

// The upstream as a real process on a free port.
const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));
let upstream: RunningService;

before(async () => {
  const port = await freePort();
  upstream = await startService({ args: [MAIN], port, env: { PORT: String(port), UPSTREAM_DELAY_MS: '20' } });
});
after(async () => {
  await upstream?.stop('SIGKILL');
});

async function get(path: string): Promise<{ status: number; body: string; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(upstream.baseUrl + path);
  const body = await res.text();
  return { status: res.status, body, ms: performance.now() - t0 };
}

async function postConfig(body: string, contentType = 'application/json') {
  const res = await fetch(`${upstream.baseUrl}/admin/config`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  return { status: res.status, body: await res.text() };
}

test('/arrpi translates deterministically and honours delay_ms', async () => {
  const a = await get('/arrpi?text=Hello%20my%20friend!&delay_ms=120');
  assert.equal(a.status, 200);
  assert.equal(a.body, 'Ahoy me matey!');
  assert.ok(a.ms >= 119, `answered after ${a.ms} ms, before the 120 ms delay`);
  const b = await get('/arrpi?text=Hello%20my%20friend!&delay_ms=0');
  assert.equal(b.body, a.body);
});

test('/arrpi answers each URL by its own text and method, past the per-URL memo bound', async () => {
  // The handler memoises the work a URL implies (parse, translation, headers); 600 distinct
  // URLs overflow its bound, and the first one must still be answered from its own text.
  for (let i = 0; i < 600; i++) {
    const r = await get(`/arrpi?text=you%20${i}&delay_ms=0`);
    assert.deepEqual([r.status, r.body], [200, `ye ${i}`]);
  }
  assert.equal((await get('/arrpi?text=you%200&delay_ms=0')).body, 'ye 0');
  assert.equal((await fetch(`${upstream.baseUrl}/arrpi?text=you%200&delay_ms=0`, { method: 'DELETE' })).status, 405);
});

test('/arrpi bad inputs get 400 with a one-line reason', async () => {
  for (const q of ['', 'text=', `text=${'x'.repeat(4097)}`, 'text=a&delay_ms=-1', 'text=a&delay_ms=60001', 'text=a&delay_ms=soon']) {
    const r = await get(`/arrpi?${q}`);
    assert.equal(r.status, 400, q);
    assert.match(r.body, /^[^\n]+\n$/, q);
  }
  assert.equal((await get('/nowhere')).status, 404);
  assert.equal((await get('/arrpiX?text=a')).status, 404);
  assert.equal((await fetch(`${upstream.baseUrl}/arrpi?text=a`, { method: 'POST' })).status, 405);
  assert.equal((await get('/healthz')).body, 'ok\n');
});

test('/admin/config: bad patches change nothing, a good one applies and is returned', async () => {
  const before = JSON.parse((await get('/admin/config')).body);
  assert.deepEqual(before, { delay_ms: 20, jitter_ms: 0, error_rate: 0 });
  for (const body of ['{bad json', '{"delay_ms":5,"nope":1}', '{"delay_ms":"5"}', '{"error_rate":1.5}', '[]', 'null']) {
    const r = await postConfig(body);
    assert.equal(r.status, 400, body);
  }
  assert.equal((await postConfig('delay_ms=5', 'text/plain')).status >= 400, true);
  assert.deepEqual(JSON.parse((await get('/admin/config')).body), before);

  const r = await postConfig('{"delay_ms":0,"jitter_ms":3}');
  assert.equal(r.status, 200);
  assert.deepEqual(JSON.parse(r.body), { delay_ms: 0, jitter_ms: 3, error_rate: 0 });
  assert.deepEqual(JSON.parse((await get('/admin/config')).body), { delay_ms: 0, jitter_ms: 3, error_rate: 0 });
});

test('error_rate 1 answers 500, 0 answers 200 again', async () => {
  assert.equal((await postConfig('{"error_rate":1}')).status, 200);
  for (let i = 0; i < 5; i++) assert.equal((await get('/arrpi?text=hi&delay_ms=0')).status, 500);
  assert.equal((await postConfig('{"error_rate":0}')).status, 200);
  assert.equal((await get('/arrpi?text=hi&delay_ms=0')).status, 200);
});

test('/metrics exposes the upstream counters with impl="upstream"', async () => {
  const m = await get('/metrics');
  assert.equal(m.status, 200);
  assert.match(m.body, /upstream_requests_total\{status="200",impl="upstream"\} [1-9]/);
  assert.match(m.body, /upstream_requests_total\{status="500",impl="upstream"\} [1-9]/);
});

test('SIGTERM lets an in-flight request finish, then exits 0', async () => {
  const port = await freePort();
  const svc = await startService({ args: [MAIN], port, env: { PORT: String(port) } });
  try {
    const pending = fetch(`${svc.baseUrl}/arrpi?text=stop&delay_ms=500`).then(async (r) => [r.status, await r.text()]);
    // Wait until the request is really in its delay, seen from the server's own gauge.
    for (;;) {
      const m = await (await fetch(`${svc.baseUrl}/metrics`)).text();
      if (/upstream_inflight_requests\{[^}]*\} 1/.test(m)) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const exit = svc.stop('SIGTERM');
    assert.deepEqual(await pending, [200, 'avast']);
    assert.deepEqual(await exit, { code: 0, signal: null });
  } finally {
    await svc.stop('SIGKILL');
  }
});

test('bad environment exits 2 with a clear message', async () => {
  const port = await freePort();
  await assert.rejects(
    startService({ args: [MAIN], port, env: { PORT: String(port), UPSTREAM_DELAY_MS: 'slow' } }),
    /UPSTREAM_DELAY_MS must be/,
  );
});
