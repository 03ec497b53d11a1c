// Every panel query of every dashboard, against a real Prometheus scraping a real local lab
// (upstream, node-eventloop, python-threads and the lab's own /metrics) under a short load.
// "Returns data" = a non-empty result vector at a time inside the load.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import autocannon from 'autocannon';
import { renderPrometheusConfig } from '../../src/observe/scrape-config.js';
import { loadgenMetrics } from '../../src/observe/loadgen-metrics.js';
import { LAB_WEB_PORT } from '../../src/runtime/ports.js';
import { startLabFixture, type LabFixture } from '../web-server/lab-fixture.js';
import { expandGrafanaVariables, labelValuesQuery, panelQueries, readDashboards } from './dashboard-files.js';
import { startPrometheus, type PrometheusProcess } from './prometheus-process.js';

const ROWS = ['node-eventloop', 'python-threads'];
const LOAD_S = 6;

let lab: LabFixture;
let prom: PrometheusProcess;
const idleSockets: net.Socket[] = [];

before(async () => {
  const { findFreePortOffset, allLabPorts } = await import('../../src/runtime/ports.js');
  const offset = await findFreePortOffset(allLabPorts());
  lab = await startLabFixture(ROWS, { port: LAB_WEB_PORT + offset }, offset);
  const running = lab.runtime.targets.map((t) => t.name);
  assert.deepEqual(running.sort(), [...ROWS].sort(), `rows not running: ${JSON.stringify(lab.runtime.unavailable)}`);
  // The config `lab prometheus-config --offset N` prints: the test checks that one, too.
  prom = await startPrometheus(await renderPrometheusConfig({ kind: 'local', offset }));
});

after(async () => {
  for (const s of idleSockets) s.destroy();
  loadgenMetrics.idle();
  await prom?.stop();
  await lab?.close();
});

async function waitForTargetsUp(names: string[]): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await prom.get('/api/v1/targets?state=active');
    const active = (res.data?.activeTargets ?? []) as Array<{ labels: { job: string }; health: string }>;
    const up = new Set(active.filter((t) => t.health === 'up').map((t) => t.labels.job));
    if (names.every((n) => up.has(n))) return;
    if (Date.now() > deadline) throw new Error(`targets not up in Prometheus after 20 s: want ${names.join(', ')}, up: ${[...up].join(', ')}\n${prom.log()}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Idle line-protocol connections, so that open-connection gauges are non-zero. */
async function openIdleLineConnections(perRow: number): Promise<void> {
  for (const t of lab.runtime.targets) {
    for (let i = 0; i < perRow; i++) {
      const sock = net.connect(t.line!.port, t.line!.host);
      await new Promise<void>((resolve, reject) => { sock.once('connect', () => resolve()); sock.once('error', reject); });
      idleSockets.push(sock);
    }
  }
}

/** A short bounded autocannon run per row, with live figures fed to the lab's loadgen registry. */
async function loadEveryRow(): Promise<void> {
  const first = lab.runtime.targets[0];
  loadgenMetrics.stepStarted('dashboards-test', 'connections-sweep', first.name, 4, 80);
  loadgenMetrics.phase('dashboards-test', 'connections-sweep', first.name, 'measure');
  const runs = lab.runtime.targets.map((t) => {
    const latencies: number[] = [];
    let timer: NodeJS.Timeout | undefined;
    const done = new Promise<void>((resolve, reject) => {
      const instance = autocannon({ url: `${t.httpUrl}/echo?text=hello%20matey&delay_ms=20`, connections: 4, duration: LOAD_S }, (err) => {
        clearInterval(timer);
        if (err) reject(err);
        else resolve();
      });
      instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
    });
    timer = setInterval(() => {
      const sorted = latencies.splice(0).sort((a, b) => a - b);
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
      if (sorted.length) loadgenMetrics.live(t.name, { rps: sorted.length, connections: 4, latencyMs: { p50: at(0.5), p90: at(0.9), p99: at(0.99) } });
    }, 1000);
    return done;
  });
  // A few bad requests, so that the error panels have an outcome other than ok.
  for (const t of lab.runtime.targets) for (let i = 0; i < 3; i++) await fetch(`${t.httpUrl}/echo`).then((r) => r.arrayBuffer());
  await Promise.all(runs);
}

test('every panel query of every dashboard returns data from a real Prometheus scraping the lab', async () => {
  await waitForTargetsUp(['upstream', ...ROWS, 'lab']);
  await openIdleLineConnections(3);
  const loadStart = Date.now() / 1000;
  await loadEveryRow();
  const at = Date.now() / 1000 - 1; // inside the load's last second: every rate window covers load
  // Let Prometheus take the scrapes that cover `at`.
  await new Promise((r) => setTimeout(r, 2500));
  assert.ok(at - loadStart >= LOAD_S - 1.5);

  const empty: string[] = [];
  let ran = 0;
  for (const d of readDashboards()) {
    const vars: Record<string, string> = {};
    for (const v of d.json.templating.list) {
      const { metric, label } = labelValuesQuery(typeof v.query === 'string' ? v.query : v.query.query);
      const res = await prom.get(`/api/v1/series?match[]=${encodeURIComponent(metric)}&start=${at - 30}&end=${at}`);
      const values = [...new Set(((res.data as unknown as Array<Record<string, string>>) ?? []).map((s) => s[label]).filter(Boolean))].sort();
      assert.ok(values.length > 0, `${d.file}: variable $${v.name} (${metric}, ${label}) has no values`);
      // Grafana's multi-value regex formatting: (a|b|c).
      vars[v.name] = `(${values.join('|')})`;
    }
    for (const q of panelQueries(d)) {
      const expr = expandGrafanaVariables(q.expr, vars);
      const res = await prom.query(expr, at);
      ran++;
      assert.equal(res.status, 'success', `${q.dashboard} '${q.panelTitle}': ${res.error}`);
      if (!res.data?.result?.length) empty.push(`${q.dashboard} '${q.panelTitle}' ${q.refId}: ${expr}`);
    }
  }
  console.log(`# ${ran} panel queries ran against Prometheus, ${ran - empty.length} returned data`);
  assert.deepEqual(empty, [], `panel queries without data:\n${empty.join('\n')}`);
});
