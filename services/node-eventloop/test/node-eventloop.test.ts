import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { freePort, type RunningService } from '@concurrency-lab/ts-common';
import {
  getOnce,
  LineClient,
  lineExchange,
  sample,
  startRow,
  startUpstream,
  waitForMetrics,
  type Row,
} from './fixture.js';

let upstream: RunningService;
let row: Row;

async function setUpstream(patch: object): Promise<void> {
  const res = await fetch(`${upstream.baseUrl}/admin/config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(patch),
  });
  assert.equal(res.status, 200, await res.text());
}

before(async () => {
  upstream = await startUpstream({ UPSTREAM_DELAY_MS: '20' });
  row = await startRow(upstream.baseUrl, { UPSTREAM_TIMEOUT_MS: '1000' });
});
after(async () => {
  await row?.svc.stop('SIGKILL');
  await upstream?.stop('SIGKILL');
});

describe('HTTP', () => {
  test('/echo answers the upstream translation', async () => {
    const r = await getOnce(`${row.svc.baseUrl}/echo?text=Hello%20my%20friend!`);
    assert.deepEqual(r, { status: 200, body: 'echo: Ahoy me matey!\n' });
    const withCpu = await getOnce(`${row.svc.baseUrl}/echo?text=yes%20sir&delay_ms=0&cpu_iters=20000`);
    assert.deepEqual(withCpu, { status: 200, body: 'echo: aye matey\n' });
  });

  test('cpu_ms=100 costs the row 100 ms of CPU per request (its own process_cpu_seconds_total)', async () => {
    // Less the same requests without cpu_ms: fetching, answering and the scrape cancel out.
    const cpuOf = async (ms: number): Promise<number> => {
      const cpu = async () => sample((await getOnce(`${row.svc.baseUrl}/metrics`)).body, 'process_cpu_seconds_total')!;
      const before = await cpu();
      for (let i = 0; i < 3; i++) assert.equal((await getOnce(`${row.svc.baseUrl}/echo?text=hello&delay_ms=0&cpu_ms=${ms}`)).status, 200);
      return (await cpu()) - before;
    };
    const extra = (await cpuOf(100)) - (await cpuOf(0));
    assert.ok(extra >= 0.3 * 0.9 && extra < 0.3 * 1.25, `3 x cpu_ms=100 cost ${extra.toFixed(3)} CPU-s`);
  });

  test('bad inputs get 400 with a one-line reason; unknown path 404', async () => {
    for (const q of [
      '',
      'text=',
      `text=${'x'.repeat(4097)}`,
      'text=a&delay_ms=-1',
      'text=a&delay_ms=60001',
      'text=a&delay_ms=abc',
      'text=a&cpu_iters=10000001',
      'text=a&cpu_ms=1001',
    ]) {
      const r = await getOnce(`${row.svc.baseUrl}/echo?${q}`);
      assert.equal(r.status, 400, q);
      assert.match(r.body, /^[^\n]+\n$/, q);
    }
    assert.equal((await getOnce(`${row.svc.baseUrl}/nope`)).status, 404);
    assert.deepEqual(await getOnce(`${row.svc.baseUrl}/healthz`), { status: 200, body: 'ok\n' });
  });

  test('upstream slower than UPSTREAM_TIMEOUT_MS -> 504, upstream erroring -> 502', async () => {
    const slow = await getOnce(`${row.svc.baseUrl}/echo?text=hi&delay_ms=3000`);
    assert.equal(slow.status, 504);
    assert.match(slow.body, /within 1000 ms/);
    await setUpstream({ error_rate: 1 });
    try {
      const r = await getOnce(`${row.svc.baseUrl}/echo?text=hi`);
      assert.equal(r.status, 502);
      assert.equal(r.body, 'error: upstream answered HTTP 500\n', 'contract.json upstream_failure.error_status');
    } finally {
      await setUpstream({ error_rate: 0 });
    }
  });
});

describe('line protocol', () => {
  test('several lines on one connection are answered in order', async () => {
    // Jitter would reorder answers if lines were fetched concurrently.
    await setUpstream({ jitter_ms: 30 });
    try {
      const words = ['hello', 'friend', 'money', 'yes', 'stop', 'captain', 'treasure', 'you'];
      const got = await lineExchange(row.linePort, words.map((w) => `${w}\n`).join(''));
      assert.equal(
        got,
        ['ahoy', 'matey', 'doubloons', 'aye', 'avast', "cap'n", 'booty', 'ye'].map((w) => `echo: ${w}\n`).join(''),
      );
    } finally {
      await setUpstream({ jitter_ms: 0 });
    }
  });

  test('CRLF, invalid UTF-8, empty line and a last line without newline are all answered', async () => {
    const payload = Buffer.concat([
      Buffer.from('Hello\r\n'),
      Buffer.from([0xff, 0xfe, 0x20]),
      Buffer.from('my\n\nfriend'),
    ]);
    const got = await lineExchange(row.linePort, payload);
    assert.equal(got, 'echo: Ahoy\necho: \uFFFD\uFFFD me\nerror: text is required\necho: matey\n');
  });

  test('a line over 64 KiB gets the error and the connection is closed', async () => {
    const got = await lineExchange(row.linePort, `hello\n${'x'.repeat(64 * 1024 + 1)}\nhello\n`);
    assert.equal(got, 'echo: ahoy\nerror: line too long\n');
    // Without any newline at all, the limit applies as the bytes arrive.
    const client = await LineClient.connect(row.linePort);
    client.send('y'.repeat(200 * 1024));
    assert.deepEqual(await client.lines(1), ['error: line too long']);
    client.close();
  });

  test('text over 4096 bytes is refused on the line, the connection stays usable', async () => {
    const client = await LineClient.connect(row.linePort);
    try {
      client.send(`${'z'.repeat(5000)}\nhello\n`);
      const [first, second] = await client.lines(2);
      assert.match(first!, /^error: text is 5000 bytes/);
      assert.equal(second, 'echo: ahoy');
    } finally {
      client.close();
    }
  });
});

describe('upstream down', () => {
  let down: Row;
  before(async () => {
    const deadPort = await freePort(); // nothing listens there
    down = await startRow(`http://127.0.0.1:${deadPort}`);
  });
  after(async () => {
    await down?.svc.stop('SIGKILL');
  });

  test('HTTP answers 502, the line answers error: and stays usable', async () => {
    const r = await getOnce(`${down.svc.baseUrl}/echo?text=hi`);
    assert.equal(r.status, 502);
    assert.match(r.body, /ECONNREFUSED/);
    const client = await LineClient.connect(down.linePort);
    try {
      client.send('hello\n');
      const [first] = await client.lines(1);
      assert.match(first!, /^error: upstream unreachable/);
      client.send('again\n');
      const [second] = await client.lines(1);
      assert.match(second!, /^error: /);
      assert.equal(client.closed, false);
    } finally {
      client.close();
    }
  });
});

describe('/overhead', () => {
  test('validates its parameters', async () => {
    for (const q of ['workers=0&tasks=1&sleep_ms=1', 'workers=2001&tasks=1&sleep_ms=1', 'workers=1&tasks=100001&sleep_ms=1',
      'workers=1&tasks=1&sleep_ms=1001', 'workers=1&tasks=1']) {
      const r = await getOnce(`${row.svc.baseUrl}/overhead?${q}`);
      assert.equal(r.status, 400, q);
      assert.match(r.body, /^[^\n]+\n$/);
    }
  });

  test('C=10, N=200, S=5 reports a plausible overhead in both modes, pool by default', async () => {
    for (const [query, mode] of [['', 'pool'], ['&mode=pool', 'pool'], ['&mode=spawn', 'spawn']] as const) {
      const r = await getOnce(`${row.svc.baseUrl}/overhead?workers=10&tasks=200&sleep_ms=5${query}`);
      assert.equal(r.status, 200, query);
      const j = JSON.parse(r.body);
      assert.deepEqual(Object.keys(j).sort(), ['elapsed_s', 'ideal_s', 'mode', 'overhead', 'setup_s', 'sleep_ms', 'tasks', 'workers']);
      assert.equal(j.mode, mode, query);
      assert.equal(j.ideal_s, 0.1);
      assert.ok(j.overhead >= 1.0, `${mode}: overhead ${j.overhead}`);
      assert.equal(j.overhead, j.elapsed_s / j.ideal_s);
      // The seed's clock: starting the pool is outside elapsed_s, beside it; spawn has no pool.
      if (mode === 'pool') assert.ok(j.setup_s > 0, `pool setup_s ${j.setup_s}`);
      else assert.equal(j.setup_s, 0);
    }
  });

  test('a bad mode gets 400 with a one-line reason naming pool and spawn', async () => {
    const r = await getOnce(`${row.svc.baseUrl}/overhead?workers=2&tasks=2&sleep_ms=1&mode=bogus`);
    assert.equal(r.status, 400);
    assert.match(r.body, /^mode must be one of pool, spawn, got 'bogus'\n$/);
  });

  test('more workers than tasks finishes in both modes', async () => {
    for (const mode of ['pool', 'spawn']) {
      const r = await getOnce(`${row.svc.baseUrl}/overhead?workers=20&tasks=3&sleep_ms=1&mode=${mode}`);
      assert.equal(r.status, 200, mode);
      assert.equal(JSON.parse(r.body).tasks, 3);
    }
  });

  test('the C pool workers show on the units gauge while the experiment runs', async () => {
    const before = sample((await getOnce(`${row.svc.baseUrl}/metrics`)).body, 'lab_concurrency_units', 'unit="promises"')!;
    const first = getOnce(`${row.svc.baseUrl}/overhead?workers=50&tasks=4000&sleep_ms=25`);
    const during = await waitForMetrics(row.svc.baseUrl, (m) => sample(m, 'lab_concurrency_units', 'unit="promises"')! >= before + 50, 'the 50 workers');
    assert.ok(sample(during, 'lab_concurrency_units', 'unit="promises"')! >= before + 50);
    assert.equal((await first).status, 200);
    await waitForMetrics(row.svc.baseUrl, (m) => sample(m, 'lab_concurrency_units', 'unit="promises"')! <= before, 'the workers gone');
  });

  test('a second experiment while one runs gets 409', async () => {
    // About 2 s of experiment: time enough to ask again while it runs.
    const first = getOnce(`${row.svc.baseUrl}/overhead?workers=1&tasks=200&sleep_ms=10`);
    let conflict: { status: number; body: string } | undefined;
    for (let i = 0; i < 40 && !conflict; i++) {
      await new Promise((r) => setTimeout(r, 25));
      const r = await getOnce(`${row.svc.baseUrl}/overhead?workers=1&tasks=1&sleep_ms=0`);
      if (r.status === 409) conflict = r;
    }
    assert.ok(conflict, 'no 409 while the first experiment ran');
    assert.match(conflict.body, /already running/);
    assert.equal((await first).status, 200);
    assert.equal((await getOnce(`${row.svc.baseUrl}/overhead?workers=1&tasks=1&sleep_ms=0`)).status, 200);
  });
});

test('metrics: contract names present, every series labelled impl="node-eventloop"', async () => {
  const m = (await getOnce(`${row.svc.baseUrl}/metrics`)).body;
  for (const name of [
    'lab_info', 'lab_requests_total', 'lab_request_duration_seconds', 'lab_upstream_duration_seconds',
    'lab_inflight_requests', 'lab_open_connections', 'lab_concurrency_units', 'lab_os_threads',
    'lab_context_switches_total', 'process_cpu_seconds_total', 'process_resident_memory_bytes',
    'lab_event_loop_utilization', 'nodejs_eventloop_lag_seconds',
  ]) {
    assert.match(m, new RegExp(`^# TYPE ${name} `, 'm'), name);
  }
  for (const line of m.split('\n').filter((l) => l && !l.startsWith('#'))) assert.match(line, /impl="node-eventloop"/, line);
  assert.ok(sample(m, 'lab_requests_total', 'protocol="http",outcome="ok"')! >= 1);
  assert.ok(sample(m, 'lab_requests_total', 'protocol="line",outcome="ok"')! >= 1);
  assert.match(m, /lab_info\{model="Node.js event loop \(fastify \+ net\)",language="typescript",runtime="node /);
});

test('clients disconnecting mid-request leave the in-flight and connection gauges where they were', async () => {
  const gauges = (m: string) =>
    ['protocol="http"', 'protocol="line"'].map((p) => [sample(m, 'lab_inflight_requests', p), sample(m, 'lab_open_connections', p)]);
  // Each /metrics read is itself one open HTTP connection, the same one in every reading.
  const baseline = gauges(await waitForMetrics(row.svc.baseUrl, (m) => sample(m, 'lab_inflight_requests', 'http')! === 0, 'idle'));
  await setUpstream({ delay_ms: 2000 });
  try {
    const httpSock = net.connect({ port: Number(new URL(row.svc.baseUrl).port), host: '127.0.0.1' });
    httpSock.on('error', () => {});
    httpSock.write('GET /echo?text=hello HTTP/1.1\r\nHost: x\r\n\r\n');
    const lineSock = net.connect({ port: row.linePort, host: '127.0.0.1' });
    lineSock.on('error', () => {});
    lineSock.write('hello\nfriend\n');
    await waitForMetrics(
      row.svc.baseUrl,
      (m) => sample(m, 'lab_inflight_requests', 'protocol="http"') === 1 && sample(m, 'lab_inflight_requests', 'protocol="line"') === 1,
      'both requests in flight',
    );
    httpSock.destroy();
    lineSock.destroy();
    const settled = await waitForMetrics(
      row.svc.baseUrl,
      (m) => JSON.stringify(gauges(m)) === JSON.stringify(baseline),
      `gauges back to ${JSON.stringify(baseline)}`,
    );
    assert.equal(sample(settled, 'lab_concurrency_units', 'unit="promises"'), 0);
  } finally {
    await setUpstream({ delay_ms: 20 });
  }
});

test('SIGTERM: in-flight work finishes, idle connections close, exit 0', async () => {
  const own = await startRow(upstream.baseUrl);
  try {
    const idleLine = await LineClient.connect(own.linePort);
    const pending = getOnce(`${own.svc.baseUrl}/echo?text=you&delay_ms=500`);
    await waitForMetrics(own.svc.baseUrl, (m) => sample(m, 'lab_inflight_requests', 'protocol="http"') === 1, 'request in flight');
    const exit = own.svc.stop('SIGTERM');
    assert.deepEqual(await pending, { status: 200, body: 'echo: ye\n' });
    assert.deepEqual(await exit, { code: 0, signal: null });
    await idleLine.waitClosed();
  } finally {
    await own.svc.stop('SIGKILL');
  }
});

test('bad environment exits with a clear message', async () => {
  await assert.rejects(startRow(upstream.baseUrl, { UPSTREAM_TIMEOUT_MS: 'soon' }), /UPSTREAM_TIMEOUT_MS must be/);
});
