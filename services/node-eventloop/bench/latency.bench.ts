import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { Client } from 'undici';
import { freePort, startService } from '@concurrency-lab/ts-common';

// The Nagle trap check: at one keep-alive connection, every answer should take the upstream
// delay plus well under 5 ms. A delayed-ACK stall would show as +40 ms on p50.

const DELAY_MS = 50;
const REQUESTS = 200;
const GOAL_MS = 5;

const UPSTREAM = fileURLToPath(new URL('../../../upstream/dist/src/main.js', import.meta.url));
const ROW = fileURLToPath(new URL('../src/main.js', import.meta.url));

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function report(label: string, ms: number[]): boolean {
  const s = [...ms].sort((a, b) => a - b);
  const p50 = pct(s, 50);
  console.log(
    `${label}: ${ms.length} sequential, p50 ${p50.toFixed(2)} ms (delay + ${(p50 - DELAY_MS).toFixed(2)}), ` +
      `p90 ${pct(s, 90).toFixed(2)}, p99 ${pct(s, 99).toFixed(2)}, max ${s[s.length - 1]!.toFixed(2)} ms`,
  );
  return p50 - DELAY_MS <= GOAL_MS;
}

const upPort = await freePort();
const upstream = await startService({ args: [UPSTREAM], port: upPort, env: { PORT: String(upPort), UPSTREAM_DELAY_MS: String(DELAY_MS) } });
const port = await freePort();
const linePort = await freePort();
const row = await startService({
  args: [ROW],
  port,
  env: { PORT: String(port), LINE_PORT: String(linePort), UPSTREAM_URL: upstream.baseUrl },
});
/** Sequential keep-alive GETs on one connection; the first few warm up the JIT and the pools. */
async function sequentialGets(baseUrl: string, path: string): Promise<number[]> {
  const client = new Client(baseUrl, { pipelining: 1 });
  const ms: number[] = [];
  try {
    for (let i = 0; i < REQUESTS + 10; i++) {
      const t0 = performance.now();
      const res = await client.request({ method: 'GET', path });
      await res.body.text();
      if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
      if (i >= 10) ms.push(performance.now() - t0);
    }
  } finally {
    await client.close();
  }
  return ms;
}

try {
  // The upstream alone is the floor on this machine (timer lateness under load included).
  const floorMs = await sequentialGets(upstream.baseUrl, `/arrpi?text=hello%20my%20friend&delay_ms=${DELAY_MS}`);
  const httpMs = await sequentialGets(row.baseUrl, `/echo?text=hello%20my%20friend&delay_ms=${DELAY_MS}`);

  const sock = net.connect({ port: linePort, host: '127.0.0.1' });
  await new Promise((r) => sock.once('connect', r));
  sock.setNoDelay(true);
  const lineMs: number[] = [];
  let buffered = '';
  for (let i = 0; i < REQUESTS + 10; i++) {
    const t0 = performance.now();
    sock.write('hello my friend\n');
    while (!buffered.includes('\n')) buffered += await new Promise<string>((r) => sock.once('data', (c: Buffer) => r(c.toString())));
    buffered = buffered.slice(buffered.indexOf('\n') + 1);
    if (i >= 10) lineMs.push(performance.now() - t0);
  }
  sock.destroy();

  report('upstream alone (the floor)', floorMs);
  const okHttp = report('HTTP keep-alive, 1 connection', httpMs);
  const okLine = report('line protocol, 1 connection', lineMs);
  if (!okHttp || !okLine) {
    console.log(`FAIL: p50 more than ${GOAL_MS} ms above the upstream delay`);
    process.exitCode = 1;
  }
} finally {
  await row.stop('SIGTERM');
  await upstream.stop('SIGTERM');
}
