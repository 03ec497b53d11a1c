import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { once } from 'node:events';
import { test } from 'node:test';
import { readProcessTreeStats } from '@concurrency-lab/proc-stats';
import { cadenceFor, measureScrapeCost } from '../../src/observe/scrape-budget.js';

// A real row stand-in: an HTTP server in its own process whose /metrics burns `burnMs` of CPU.
const SERVER = `
const http = require('node:http');
const burnMs = Number(process.argv[1]);
http.createServer((req, res) => {
  const s = process.cpuUsage();
  while ((process.cpuUsage(s).user + process.cpuUsage(s).system) / 1000 < burnMs) {}
  res.end('lab_up 1\\n');
}).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`;

async function withServer(burnMs: number, fn: (port: number, pid: number) => Promise<void>): Promise<void> {
  const child = spawn(process.execPath, ['-e', SERVER, String(burnMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const [line] = (await once(child.stdout!, 'data')) as [Buffer];
    await fn(Number(line.toString().trim()), child.pid!);
  } finally {
    child.kill('SIGKILL');
  }
}

function probeOf(port: number, pid: number) {
  const agent = new http.Agent({ keepAlive: true });
  return {
    cpuSeconds: async () => readProcessTreeStats(pid)!.cpuSeconds,
    scrape: () => new Promise<void>((resolve, reject) => http.get(`http://127.0.0.1:${port}/metrics`, { agent }, (res) => { res.resume(); res.on('end', resolve); }).on('error', reject)),
    scrapes: 10,
    gapMs: 100,
  };
}

test('the cost of a scrape is the row\'s CPU while scraped above its idle rate', { timeout: 30_000 }, async () => {
  await withServer(30, async (port, pid) => {
    const cost = await measureScrapeCost(probeOf(port, pid));
    // 30 ms burnt per request plus HTTP handling; /proc counts in 10 ms ticks (one over 10 scrapes).
    assert.ok(cost.perScrapeCpuS > 0.025 && cost.perScrapeCpuS < 0.045, `per scrape ${cost.perScrapeCpuS}`);
    assert.ok(cost.idleCores < 0.05, `idle ${cost.idleCores}`);
    assert.equal(cost.scrapes, 10);
  });
  await withServer(0, async (port, pid) => {
    const cost = await measureScrapeCost(probeOf(port, pid));
    // A fresh Node process still compiles its HTTP path on the first scrapes, and /proc counts
    // 10 ms ticks: a few ms a scrape, far below the 30 ms one above.
    assert.ok(cost.perScrapeCpuS < 0.01, `a cheap scrape: ${cost.perScrapeCpuS}`);
  });
});

test('the cadence is the shortest interval within the budget, within bounds', async () => {
  assert.equal(cadenceFor(0.001), 500, 'a cheap scrape keeps the lab\'s 500 ms');
  assert.equal(cadenceFor(0.004), 800, '4 ms per scrape at 0.5% of a core: every 800 ms');
  assert.equal(cadenceFor(0.004, { budgetCores: 0.01 }), 500);
  assert.equal(cadenceFor(0.0041, { budgetCores: 0.01, minMs: 100 }), 500, 'rounded up to the next 100 ms');
  assert.equal(cadenceFor(0.0225), 4500, 'node-cluster (22.5 ms per scrape): every 4.5 s');
  assert.equal(cadenceFor(0.05), 5000, 'never slower than maxMs');
  assert.throws(() => cadenceFor(-1), /cost per scrape/);
  assert.throws(() => cadenceFor(0.001, { budgetCores: 0 }), /budget/);
  await assert.rejects(measureScrapeCost({ cpuSeconds: async () => 0, scrape: async () => undefined, scrapes: 0 }), /scrapes/);
});
