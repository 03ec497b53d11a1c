import { formatBytes } from '../../core/units.js';
import { chartFrame, lineChart } from '../../draw/line-chart.js';
import { num, round3 } from '../../draw/markdown.js';
import { loadLabel } from '../../model/derived.js';
import { loadView } from '../load-common/view.js';
import type { ResultView } from '../common/view.js';
import { intervalCell } from '../common/interval-cell.js';
import { idleFindings } from './findings.js';
import { figureValue } from '../../model/figures.js';

// What the idle-connections executor adds to a step (StepResult.idle_connections) and how every reader shows it.

export interface IdleMeasurement {
  connections_requested: number;
  connections_open: number;
  rss_bytes_before: number | null;
  rss_bytes_after: number | null;
  threads_before: number | null;
  threads_after: number | null;
  units_before: number | null;
  units_after: number | null;
  bytes_per_connection: number | null;
  threads_per_connection: number | null;
  /** RSS change over the same wait with no connection open (schema 3; absent before). */
  rss_drift_bytes?: number | null;
  /** |rss_drift_bytes| / connections_open: a bytes-per-connection figure below it is noise. */
  floor_bytes_per_connection?: number | null;
}

/** The StepResult key the idle-connections executor writes (named after it; results written before it was used `idle`). */
export interface IdleFields {
  idle_connections?: IdleMeasurement;
}

const num0 = { $ref: '#/definitions/num' };
const IDLE_SCHEMA = {
  idle_connections: {
    type: 'object',
    required: ['rss_bytes_before', 'rss_bytes_after', 'bytes_per_connection', 'threads_per_connection'],
    properties: {
      connections_requested: { $ref: '#/definitions/count' },
      connections_open: { $ref: '#/definitions/count' },
      rss_bytes_before: num0,
      rss_bytes_after: num0,
      bytes_per_connection: num0,
      threads_per_connection: num0,
      rss_drift_bytes: num0,
      floor_bytes_per_connection: num0,
    },
  },
};

const perConnection = (i: IdleMeasurement) => `${i.bytes_per_connection === null ? '-' : formatBytes(i.bytes_per_connection)}/conn, ${i.threads_per_connection?.toFixed(2) ?? '-'} threads/conn`;

export const idleView: ResultView = {
  name: 'idle-connections',
  resultKeys: ['idle_connections'],
  upgrade(step) {
    if (step.idle !== undefined && step.idle_connections === undefined) step.idle_connections = step.idle;
    delete step.idle;
  },
  resultSchema: IDLE_SCHEMA,
  owns: (s) => s.idle_connections !== undefined,
  measuresRequests: false,
  figures: (s) => (s.idle_connections ? [
    { key: 'idle.bytes_per_connection', label: 'bytes per idle connection', unit: 'bytes', better: 'lower', value: figureValue(s.idle_connections.bytes_per_connection) },
    { key: 'idle.threads_per_connection', label: 'threads per idle connection', unit: 'threads', better: 'lower', value: figureValue(s.idle_connections.threads_per_connection) },
    // The noise floor of bytes per connection: no better or worse, only what the figure must exceed.
    ...(s.idle_connections.floor_bytes_per_connection !== undefined
      ? [{ key: 'idle.floor_bytes_per_connection', label: 'RSS drift per connection, no connection open', unit: 'bytes', better: 'none' as const, value: figureValue(s.idle_connections.floor_bytes_per_connection) }] : []),
  ] : []),
  csv: { columns: ['idle_bytes_per_connection', 'idle_threads_per_connection'], rows: (s) => [[round3(s.idle_connections?.bytes_per_connection), round3(s.idle_connections?.threads_per_connection)]] },
  stepTable: (r, steps, table) => table(
    [loadLabel(r.load_unit), 'open', 'RSS before', 'RSS after', 'bytes/conn', 'threads/conn', 'units after'],
    steps.map((s) => (s.idle_connections ? [s.load, s.idle_connections.connections_open, formatBytes(s.idle_connections.rss_bytes_before), formatBytes(s.idle_connections.rss_bytes_after),
      intervalCell(s, 'idle.bytes_per_connection', formatBytes, s.idle_connections.bytes_per_connection === null ? '-' : formatBytes(s.idle_connections.bytes_per_connection)),
      intervalCell(s, 'idle.threads_per_connection', (v) => num(v, 3), num(s.idle_connections.threads_per_connection, 3)), num(s.idle_connections.units_after, 0)]
      : [s.load, '-', '-', '-', '-', '-', '-'])),
  ),
  charts(r) {
    const { logX, targets, title, pick } = chartFrame(r);
    return [
      { name: 'memory-per-connection', spec: lineChart(title('Memory per idle connection'), pick((x) => x.s.idle_connections?.bytes_per_connection && x.s.idle_connections.bytes_per_connection / 1024), targets,
        { x: 'idle connections', y: 'RSS per connection (KiB)', logX }) },
      { name: 'rss-vs-load', spec: lineChart(title('Server memory vs idle connections'), pick((x) => x.s.idle_connections?.rss_bytes_after && x.s.idle_connections.rss_bytes_after / 2 ** 20), targets,
        { x: 'idle connections', y: 'RSS (MiB)', logX }) },
      { name: 'threads-vs-load', spec: lineChart(title('OS threads vs idle connections'), pick((x) => x.s.idle_connections?.threads_after), targets, { x: 'idle connections', y: 'OS threads', logX }) },
    ];
  },
  findings: idleFindings,
  // An idle step is read with the load table, its idle figures after it.
  console: loadView.console,
  consoleExtra: (s) => (s.idle_connections ? `  idle: ${s.idle_connections.connections_open} open, ${perConnection(s.idle_connections)}` : ''),
};

/** Adds the key to StepResult (model/results.ts names no executor). */
declare module '../../model/results.js' {
  interface StepResult extends IdleFields {}
}

