import { formatBytes, formatMs } from '../../core/units.js';
import { dedupeByLoad, chartFrame, lineChart } from '../../draw/line-chart.js';
import { serverCells } from '../../draw/console-table.js';
import { num } from '../../draw/markdown.js';
import { errorPercent, fidelity, loadLabel } from '../../model/derived.js';
import { loadFindings } from './findings.js';
import { loadFigures } from './figures.js';
import type { ResultView } from '../common/view.js';
import { intervalCell } from '../common/interval-cell.js';
import { RECONNECTS_SCHEMA, reconnectLines } from './reconnects.js';

// The view of the request-load executors (connections-sweep, rate-sweep, line-sweep):
// throughput against the ideal line, latency, memory and threads per load. It is the default
// view: it owns no executor's key (reconnects is the closed load's, which all three may write),
// so it draws every run no other view owns.

const IDEAL = 'ideal (Little\'s law)';

export const loadView: ResultView = {
  name: 'load',
  resultKeys: ['reconnects'],
  resultSchema: RECONNECTS_SCHEMA,
  measuresRequests: true,
  // Every view's figures are gathered for every step (registry.ts stepFigures), which asks this
  // one only for steps that put request load.
  figures: loadFigures,
  stepTable: (r, steps, table) => table(
    [loadLabel(r.load_unit), 'requests', 'req/s', 'ideal', 'achieved/ideal', 'p50', 'p90', 'p99', 'max', 'errors', 'server CPU s', 'RSS peak', 'threads', 'units', 'loadgen CPU s'],
    steps.map((s) => {
      const f = fidelity(s);
      return [s.load, s.requests, intervalCell(s, 'rps', (v) => v.toFixed(1), num(s.rps, 1)), num(s.ideal_rps, 1), f === null ? '-' : f.toFixed(2),
        intervalCell(s, 'latency.p50_ms', formatMs, formatMs(s.latency_ms.p50)), formatMs(s.latency_ms.p90), intervalCell(s, 'latency.p99_ms', formatMs, formatMs(s.latency_ms.p99)), formatMs(s.latency_ms.max),
        intervalCell(s, 'errors.pct', (v) => `${v.toFixed(2)}%`, `${errorPercent(s).toFixed(2)}%`), num(s.server.cpu_seconds, 2), intervalCell(s, 'server.rss_peak_bytes', formatBytes, formatBytes(s.server.rss_bytes_peak)), num(s.server.os_threads_peak, 0),
        num(s.server.concurrency_units_peak, 0), `${num(s.loadgen.cpu_seconds, 2)}${s.loadgen.saturated ? ' (saturated)' : ''}`];
    }),
  ),
  charts(r) {
    const c = chartFrame(r);
    if (c.steps.length === 0) return [];
    const { loadAxis, logX, targets, title, pick } = c;
    const ideal = dedupeByLoad(c.steps.flatMap((x) => (x.s.ideal_rps ? [{ target: IDEAL, load: x.s.load, value: x.s.ideal_rps }] : [])));
    return [
      { name: 'throughput-vs-load', spec: lineChart(title(`Throughput vs ${loadAxis}`), pick((x) => x.s.rps), targets, { x: loadAxis, y: 'throughput (req/s)', logX, logY: logX }, ideal) },
      { name: 'p99-vs-load', spec: lineChart(title(`p99 latency vs ${loadAxis}`), pick((x) => x.s.latency_ms.p99), targets, { x: loadAxis, y: 'p99 latency (ms)', logX, logY: true }) },
      { name: 'rss-vs-load', spec: lineChart(title(`Server memory (peak RSS) vs ${loadAxis}`), pick((x) => x.s.server.rss_bytes_peak && x.s.server.rss_bytes_peak / 2 ** 20), targets,
        { x: loadAxis, y: 'peak RSS (MiB)', logX }) },
      { name: 'threads-vs-load', spec: lineChart(title(`OS threads vs ${loadAxis}`), pick((x) => x.s.server.os_threads_peak), targets, { x: loadAxis, y: 'OS threads (peak)', logX }) },
    ];
  },
  afterStepTable: reconnectLines,
  findings: loadFindings,
  console: {
    columns: [['target', 18], ['load', 6], ['req/s', 9], ['ideal', 9], ['ach/ideal', 9], ['p50', 8], ['p99', 8], ['errors', 7], ['srv CPU s', 9], ['RSS', 10], ['threads', 7], ['lg CPU s', 8]],
    cells(target, s) {
      const f = fidelity(s);
      return [
        target, String(s.load), s.rps.toFixed(1), s.ideal_rps === null ? '-' : s.ideal_rps.toFixed(0), f === null ? '-' : f.toFixed(2),
        formatMs(s.latency_ms.p50), formatMs(s.latency_ms.p99), `${errorPercent(s).toFixed(1)}%`,
        ...serverCells(s), `${s.loadgen.cpu_seconds.toFixed(2)}${s.loadgen.saturated ? '!' : ''}`,
      ];
    },
  },
};
