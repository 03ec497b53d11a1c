// The idle-connections executor's results (StepResult.idle_connections): the load charts, with memory per
// idle connection measured directly instead of the peak RSS.
import { loadCharts } from './load.js';

export const owns = (s) => s.idle_connections !== undefined && s.idle_connections !== null;

export function charts(results, grid) {
  const measured = results.targets.some((t) => t.steps.some((s) => s.idle_connections?.bytes_per_connection != null));
  loadCharts(results, grid, measured
    ? { title: 'Memory per idle connection', unit: 'KiB', pick: (s) => (s.idle_connections?.bytes_per_connection == null ? null : s.idle_connections.bytes_per_connection / 1024) }
    : undefined);
}
