// The charts of one result: throughput, p99, memory and threads per load (with the Little's-law
// ideal), or one overhead chart per /overhead mode.
import { loadChart } from './charts.js';
import { el } from './dom.js';
import { colourOf } from './targets.js';

const LOAD_LABEL = { connections: 'connections', rate_rps: 'arrival rate (req/s)', workers: 'workers' };

function byLoad(results, pick) {
  const loads = [...new Set(results.targets.flatMap((t) => t.steps.map((s) => s.load)))].sort((a, b) => a - b);
  const list = results.targets.map((t) => {
    const m = new Map(t.steps.map((s) => [s.load, s]));
    return { label: t.name, colour: colourOf(t.name), values: loads.map((l) => (m.has(l) ? pick(m.get(l)) : null)) };
  });
  return { loads, list };
}

// A step's /overhead modes (pool, spawn): overhead_modes, else [overhead]; results written
// before modes have none and spawned a unit per task (as loadgen/src/results/overhead-modes.ts).
const overheadModes = (s) => (s.overhead_modes?.length ? s.overhead_modes : s.overhead ? [s.overhead] : []).map((o) => ({ ...o, mode: o.mode ?? 'spawn' }));

/** Overhead runs: one chart per mode (pool and spawn are different experiments, never one line). */
function overheadChartSet(results, grid) {
  const modes = ['pool', 'spawn'].filter((m) => results.targets.some((t) => t.steps.some((s) => overheadModes(s).some((o) => o.mode === m))));
  const loads = [...new Set(results.targets.flatMap((t) => t.steps.map((s) => s.load)))].sort((a, b) => a - b);
  const logX = loads.length > 1 && loads[0] > 0 && loads[loads.length - 1] / loads[0] >= 10;
  for (const mode of modes) {
    const { list } = byLoad(results, (s) => overheadModes(s).find((o) => o.mode === mode)?.overhead ?? null);
    loadChart(grid, { title: `Overhead vs workers, ${mode} mode (elapsed / ideal)`, unit: 'x', loads, logX, series: { xLabel: 'workers', list } });
  }
}

export function resultChartSet(results, container, idPrefix = '') {
  const xLabel = LOAD_LABEL[results.load_unit] ?? 'load';
  if (results.targets.some((t) => t.steps.some((s) => s.overhead))) {
    const grid = el('div', { class: 'grid', id: `${idPrefix}result-charts` });
    container.append(grid);
    return overheadChartSet(results, grid);
  }
  const { loads, list: rps } = byLoad(results, (s) => s.rps);
  const logX = loads.length > 1 && loads[0] > 0 && loads[loads.length - 1] / loads[0] >= 10;
  const idealByLoad = new Map();
  for (const t of results.targets) for (const s of t.steps) if (s.ideal_rps !== null && s.ideal_rps !== undefined) idealByLoad.set(s.load, s.ideal_rps);
  const ideal = { label: 'ideal (Little\'s law)', colour: '#d8dee6', dash: [6, 5], values: loads.map((l) => idealByLoad.get(l) ?? null) };
  const grid = el('div', { class: 'grid', id: `${idPrefix}result-charts` });
  container.append(grid);
  loadChart(grid, { title: `Throughput vs ${xLabel}`, unit: 'req/s', loads, logX, series: { xLabel, list: [...rps, ...(idealByLoad.size ? [ideal] : [])] } });
  loadChart(grid, { title: `Latency p99 vs ${xLabel}`, unit: 'ms', loads, logX, series: { xLabel, list: byLoad(results, (s) => s.latency_ms.p99).list } });
  // Idle-connection runs measure memory per connection directly; other runs show the peak RSS
  // per load (its slope is the memory each added connection costs), as the report does.
  const idle = results.targets.some((t) => t.steps.some((s) => s.idle?.bytes_per_connection != null));
  const memory = idle
    ? byLoad(results, (s) => (s.idle?.bytes_per_connection == null ? null : s.idle.bytes_per_connection / 1024))
    : byLoad(results, (s) => (s.server.rss_bytes_peak === null ? null : s.server.rss_bytes_peak / 1048576));
  loadChart(grid, { title: idle ? 'Memory per idle connection' : `Peak RSS vs ${xLabel}`, unit: idle ? 'KiB' : 'MiB', loads, logX, series: { xLabel, list: memory.list } });
  loadChart(grid, { title: `OS threads vs ${xLabel}`, unit: '', loads, logX, series: { xLabel, list: byLoad(results, (s) => s.server.os_threads_peak).list } });
}
