// The live scraper against real HTTP servers: one whose counters move, one that is down.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { LiveScraper } from '../../src/observe/scraper.js';

let server: http.Server;
let url = '';
let requests = 0;

before(async () => {
  server = http.createServer((req, res) => {
    if (req.url !== '/metrics') return void res.writeHead(404).end();
    requests += 100;
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(`lab_requests_total{impl="t",protocol="http",outcome="ok"} ${requests}\nlab_os_threads{impl="t"} 4\n`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

test('scrapes every target, derives rates from successive scrapes, marks a dead target down', async () => {
  // A port that was just free: nothing listens there.
  const dead = http.createServer();
  await new Promise<void>((r) => dead.listen(0, '127.0.0.1', () => r()));
  const deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}/metrics`;
  await new Promise<void>((r) => dead.close(() => r()));

  const live = new LiveScraper({ targets: () => [{ name: 'good', metricsUrl: url }, { name: 'dead', metricsUrl: deadUrl }], keep: 2 });
  await live.scrapeOnce();
  await new Promise((r) => setTimeout(r, 20));
  await live.scrapeOnce();
  await new Promise((r) => setTimeout(r, 20));
  await live.scrapeOnce();
  const series = Object.fromEntries(live.series().map((s) => [s.name, s.points]));
  assert.equal(series.good.length, 2, 'keeps only the newest 2');
  assert.ok(series.good.every((p) => p.up && p.osThreads === 4));
  assert.ok(series.good[1].rps! > 0, 'a rate once two scrapes exist');
  assert.equal(series.dead.length, 2);
  assert.ok(series.dead.every((p) => !p.up && p.rps === null));
  const last = series.good[1].t;
  assert.deepEqual(live.series(last).find((s) => s.name === 'good')?.points, [], 'since= filters older points');
});
