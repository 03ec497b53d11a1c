// The request-load executors' charts (connections-sweep, rate-sweep, line-sweep): throughput with
// the Little's-law ideal, p99, peak RSS and threads per load. Other views reuse loadCharts.
import { loadChart } from '../charts.js';
import { colourOf } from '../targets.js';
import { byLoad, logLoads } from '../views.js';

const LOAD_LABEL = { connections: 'connections', rate_rps: 'arrival rate (req/s)', workers: 'workers' };

/** memory: { title, unit, pick } for the third chart (default: peak RSS per load, whose slope is what each added connection costs). */
export function loadCharts(results, grid, memory) {
  const xLabel = LOAD_LABEL[results.load_unit] ?? 'load';
  const { loads, list: rps } = byLoad(results, (s) => s.rps, colourOf);
  const logX = logLoads(loads);
  const idealByLoad = new Map();
  for (const t of results.targets) for (const s of t.steps) if (s.ideal_rps !== null && s.ideal_rps !== undefined) idealByLoad.set(s.load, s.ideal_rps);
  const ideal = { label: 'ideal (Little\'s law)', colour: '#d8dee6', dash: [6, 5], values: loads.map((l) => idealByLoad.get(l) ?? null) };
  const mem = memory ?? { title: `Peak RSS vs ${xLabel}`, unit: 'MiB', pick: (s) => (s.server.rss_bytes_peak === null ? null : s.server.rss_bytes_peak / 1048576) };
  loadChart(grid, { title: `Throughput vs ${xLabel}`, unit: 'req/s', loads, logX, series: { xLabel, list: [...rps, ...(idealByLoad.size ? [ideal] : [])] } });
  loadChart(grid, { title: `Latency p99 vs ${xLabel}`, unit: 'ms', loads, logX, series: { xLabel, list: byLoad(results, (s) => s.latency_ms.p99, colourOf).list } });
  loadChart(grid, { title: mem.title, unit: mem.unit, loads, logX, series: { xLabel, list: byLoad(results, mem.pick, colourOf).list } });
  loadChart(grid, { title: `OS threads vs ${xLabel}`, unit: '', loads, logX, series: { xLabel, list: byLoad(results, (s) => s.server.os_threads_peak, colourOf).list } });
}

export const charts = (results, grid) => loadCharts(results, grid);
