// Reads the committed Grafana dashboards and lists every panel query, for the static checks and
// for the run against a real Prometheus.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../src/core/manifest/repo-root.js';

export interface PanelQuery {
  dashboard: string;
  panelId: number;
  panelTitle: string;
  refId: string;
  expr: string;
}

export interface DashboardFile {
  file: string;
  json: {
    uid: string;
    title: string;
    schemaVersion: number;
    templating: { list: Array<{ name: string; query: { query: string } | string; includeAll?: boolean; multi?: boolean; datasource?: { uid?: string } }> };
    panels: Array<{
      id: number;
      type: string;
      title: string;
      description?: string;
      datasource?: { type?: string; uid?: string };
      gridPos: { x: number; y: number; w: number; h: number };
      fieldConfig?: { defaults?: { unit?: string } };
      targets?: Array<{ refId: string; expr: string; datasource?: { uid?: string } }>;
    }>;
  };
}

export const DASHBOARDS_DIR = path.join(repoRoot(), 'dashboards', 'grafana', 'dashboards');

export function readDashboards(): DashboardFile[] {
  return readdirSync(DASHBOARDS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ file: f, json: JSON.parse(readFileSync(path.join(DASHBOARDS_DIR, f), 'utf8')) as DashboardFile['json'] }));
}

export function panelQueries(d: DashboardFile): PanelQuery[] {
  return d.json.panels.flatMap((p) =>
    (p.targets ?? []).map((t) => ({ dashboard: d.json.uid, panelId: p.id, panelTitle: p.title, refId: t.refId, expr: t.expr })),
  );
}

/** A variable's label_values(metric, label) query, split. */
export function labelValuesQuery(q: string): { metric: string; label: string } {
  const m = /^label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)$/.exec(q.trim());
  if (!m) throw new Error(`not a label_values(metric, label) query: ${q}`);
  return { metric: m[1], label: m[2] };
}

/** Grafana's built-in interval variables, as the dashboards would get them over a short range. */
export function expandGrafanaVariables(expr: string, vars: Record<string, string>, rateInterval = '10s'): string {
  let out = expr
    .replaceAll('$__rate_interval', rateInterval)
    .replaceAll('$__interval', '1s')
    .replaceAll('$__range', '5m');
  for (const [name, value] of Object.entries(vars)) out = out.replaceAll(`$${name}`, value).replaceAll(`\${${name}}`, value);
  return out;
}
