// The live scraper against real HTTP servers: one whose counters move, one that is down.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { LiveScraper } from '../../src/observe/scraper.js';
import { beginMeasureFocus, endMeasureFocus } from '../../src/observe/measure-focus.js';
import { sampleServer } from '../../src/observe/server-sampler.js';
import type { Endpoint, LabRuntime } from '../../src/runtime/types.js';

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

test('while a step is measured, no row is scraped: the measured row\'s points come from the step\'s sampler', async () => {
  const other = http.createServer((_req, res) => { otherScrapes++; res.writeHead(200).end('lab_os_threads{impl="o"} 2\n'); });
  let otherScrapes = 0;
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
  const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}/metrics`;
  const runtime = { kind: 'local', targets: [], unavailable: [], stats: async () => undefined } as unknown as LabRuntime;
  const target = { name: 'good', httpUrl: url.replace('/metrics', ''), metricsUrl: url, manifest: {} } as unknown as Endpoint;
  try {
    const live = new LiveScraper({ targets: () => [{ name: 'good', metricsUrl: url }, { name: 'other', metricsUrl: otherUrl }] });
    beginMeasureFocus('good');
    const before = requests;
    await live.scrapeOnce();
    assert.equal(live.series().length, 0, 'nothing scraped, nothing published yet');
    // The step's sampler scrapes the measured row once; the live view takes that scrape.
    await sampleServer(runtime, target, 'http', false);
    await live.scrapeOnce();
    await live.scrapeOnce();
    assert.equal(requests - before, 100, 'the measured row was scraped once, by the step\'s sampler');
    assert.equal(otherScrapes, 0, 'the other row was not scraped during the measure');
    assert.deepEqual(live.series().map((s) => [s.name, s.points.length]), [['good', 1]]);
    endMeasureFocus();
    await live.scrapeOnce();
    assert.equal(otherScrapes, 1, 'after the measure every row is scraped again');
  } finally {
    endMeasureFocus();
    await new Promise<void>((r) => other.close(() => r()));
  }
});
