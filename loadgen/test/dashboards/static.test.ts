// Static checks of what Grafana and Prometheus load: the dashboard JSON, the provisioning and
// the scrape configs. Expressions are parsed by a real Prometheus (it is the only parser that
// counts), the configs checked by promtool.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { discoverServices } from '../../src/core/manifest/discover.js';
import { repoRoot } from '../../src/core/manifest/repo-root.js';
import { committedConfigs, renderPrometheusConfig } from '../../src/observe/scrape-config.js';
import { expandGrafanaVariables, panelQueries, readDashboards } from './dashboard-files.js';
import { PROMTOOL_BIN, requireBinary, startPrometheus, type PrometheusProcess } from './prometheus-process.js';

const root = repoRoot();
const dashboards = readDashboards();

describe('grafana provisioning', () => {
  const datasource = parseYaml(readFileSync(path.join(root, 'dashboards/grafana/provisioning/datasources/prometheus.yml'), 'utf8'));
  const hostnet = parseYaml(readFileSync(path.join(root, 'dashboards/grafana/datasource-hostnet.yml'), 'utf8'));
  const uid: string = datasource.datasources[0].uid;

  test('the datasource has a fixed uid, the compose url, and the hostnet variant the same uid', () => {
    assert.equal(uid, 'lab-prometheus');
    assert.equal(datasource.datasources[0].url, 'http://prometheus:9090');
    assert.equal(hostnet.datasources[0].uid, uid);
    assert.equal(hostnet.datasources[0].url, 'http://127.0.0.1:9090');
  });

  test('the dashboard provider points at /var/lib/grafana/dashboards', () => {
    const provider = parseYaml(readFileSync(path.join(root, 'dashboards/grafana/provisioning/dashboards/lab.yml'), 'utf8'));
    assert.equal(provider.providers[0].type, 'file');
    assert.equal(provider.providers[0].options.path, '/var/lib/grafana/dashboards');
  });

  test('the four dashboards are there with unique uids', () => {
    assert.equal(dashboards.length, 4, dashboards.map((d) => d.file).join(', '));
    const uids = dashboards.map((d) => d.json.uid);
    assert.equal(new Set(uids).size, uids.length, `duplicate uids: ${uids.join(', ')}`);
  });

  for (const d of dashboards) {
    describe(d.file, () => {
      test('schema version, a multi-select includeAll variable', () => {
        assert.ok(d.json.schemaVersion >= 36, `schemaVersion ${d.json.schemaVersion}`);
        const v = d.json.templating.list[0];
        assert.ok(v, 'no template variable');
        assert.equal(v.multi, true);
        assert.equal(v.includeAll, true);
        assert.equal(v.datasource?.uid, uid);
      });

      test('panel ids unique; every panel has a description, a unit and the provisioned datasource', () => {
        const ids = d.json.panels.map((p) => p.id);
        assert.equal(new Set(ids).size, ids.length, `duplicate panel ids in ${d.file}: ${ids.join(',')}`);
        for (const p of d.json.panels) {
          assert.ok(p.description && p.description.length > 20, `panel '${p.title}' has no useful description`);
          assert.ok(p.fieldConfig?.defaults?.unit, `panel '${p.title}' has no unit`);
          assert.equal(p.datasource?.uid, uid, `panel '${p.title}' datasource`);
          for (const t of p.targets ?? []) assert.equal(t.datasource?.uid, uid, `panel '${p.title}' target ${t.refId} datasource`);
          assert.ok((p.targets ?? []).length > 0, `panel '${p.title}' has no query`);
        }
      });

      test('grid positions fit in 24 columns and do not overlap', () => {
        const boxes = d.json.panels.map((p) => ({ title: p.title, ...p.gridPos }));
        for (const b of boxes) assert.ok(b.x >= 0 && b.w > 0 && b.h > 0 && b.x + b.w <= 24, `panel '${b.title}' gridPos ${JSON.stringify(b)}`);
        for (let i = 0; i < boxes.length; i++) {
          for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i];
            const b = boxes[j];
            const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
            assert.ok(!overlap, `panels '${a.title}' and '${b.title}' overlap`);
          }
        }
      });
    });
  }

});

describe('every panel expression parses in Prometheus', () => {
  let prom: PrometheusProcess;
  before(async () => {
    prom = await startPrometheus('global:\n  scrape_interval: 1s\nscrape_configs: []\n');
  });
  after(async () => prom?.stop());

  test('no parse error from /api/v1/query', async () => {
    const failures: string[] = [];
    let count = 0;
    for (const d of dashboards) {
      for (const q of panelQueries(d)) {
        const expr = expandGrafanaVariables(q.expr, { impl: '.+', target: '.+' });
        const res = await prom.query(expr);
        count++;
        if (res.status !== 'success') failures.push(`${q.dashboard} '${q.panelTitle}' ${q.refId}: ${res.errorType}: ${res.error}\n    ${expr}`);
      }
    }
    console.log(`# ${count} panel expressions parsed by Prometheus`);
    assert.deepEqual(failures, []);
    assert.ok(count > 20, `only ${count} panel queries`);
  });
});

describe('prometheus scrape configs', () => {
  test('the committed configs equal what `lab prometheus-config --mode compose|hostnet` prints', async () => {
    for (const { file, mode } of await committedConfigs()) {
      assert.equal(readFileSync(path.join(root, file), 'utf8'), await renderPrometheusConfig(mode), `${file} is stale: npm run generate`);
    }
  });

  test('compose config scrapes the upstream, every row and the lab every 1 s by service name', async () => {
    const cfg = parseYaml(await renderPrometheusConfig({ kind: 'compose' }));
    assert.equal(cfg.global.scrape_interval, '1s');
    const targets = cfg.scrape_configs.flatMap((j: { static_configs: Array<{ targets: string[] }> }) => j.static_configs.flatMap((s) => s.targets));
    const wanted = [...discoverServices().map((m) => `${m.name}:${m.ports.http}`), 'lab:8080'];
    assert.deepEqual([...targets].sort(), wanted.sort());
  });

  test('local config shifts every port by the offset', async () => {
    const cfg = parseYaml(await renderPrometheusConfig({ kind: 'local', offset: 35000 }));
    const targets = cfg.scrape_configs.flatMap((j: { static_configs: Array<{ targets: string[] }> }) => j.static_configs.flatMap((s) => s.targets));
    const wanted = [...discoverServices().map((m) => `127.0.0.1:${m.ports.http + 35000}`), '127.0.0.1:43080'];
    assert.deepEqual([...targets].sort(), wanted.sort());
  });

  test('promtool check config passes on each', async () => {
    requireBinary(PROMTOOL_BIN, 'prometheus');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lab-promtool-'));
    try {
      const local = path.join(dir, 'prometheus.local.yml');
      writeFileSync(local, await renderPrometheusConfig({ kind: 'local', offset: 12300 }));
      for (const file of [...(await committedConfigs()).map((c) => path.join(root, c.file)), local]) {
        const res = spawnSync(PROMTOOL_BIN, ['check', 'config', file], { encoding: 'utf8' });
        assert.equal(res.status, 0, `promtool check config ${file}:\n${res.stdout}${res.stderr}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
