// The Grafana dashboards use contract/contract.json's metric vocabulary: every lab_* and
// process_* name in a committed panel query is a contract metric, and the builder refuses others.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../../src/core/manifest/repo-root.js';
import { panelQueries, readDashboards } from './dashboard-files.js';

const root = repoRoot();
const json = JSON.parse(readFileSync(path.join(root, 'contract', 'contract.json'), 'utf8'));
const specs: { name: string; type: string }[] = [...json.metrics.every_row, ...json.metrics.node_rows, ...json.metrics.load_generator];
const known = new Set(specs.flatMap((m) => (m.type === 'histogram' ? ['_bucket', '_sum', '_count'].map((x) => m.name + x) : [m.name])));

test('every lab_* / process_* name in the committed dashboards is a contract metric', () => {
  const queries = readDashboards().flatMap(panelQueries);
  assert.ok(queries.length > 20, `only ${queries.length} queries`);
  const unknown = queries.flatMap((q) => (q.expr.match(/\b(lab|process)_[a-z0-9_]+/g) ?? []).filter((n) => !known.has(n)).map((n) => `${q.dashboard} '${q.panelTitle}': ${n}`));
  assert.deepEqual(unknown, []);
});

test('the dashboards builder flags a name the contract does not define', async () => {
  const builder = await import(pathToFileURL(path.join(root, 'dashboards', 'grafana', 'build.mjs')).href);
  assert.deepEqual(builder.unknownMetrics('sum(rate(lab_requests_total[1m])) / sum(lab_request_duration_seconds_count)'), []);
  assert.deepEqual(builder.unknownMetrics('sum(lab_requests_count) + lab_os_threads'), ['lab_requests_count']);
});
