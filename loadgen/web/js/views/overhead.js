// The overhead executor's results (StepResult.overhead.modes): one chart per /overhead
// mode (pool and spawn are different experiments, never one line).
import { loadChart } from '../charts.js';
import { colourOf } from '../targets.js';
import { byLoad, logLoads } from '../views.js';

// A step's modes (the API reads older layouts into overhead.modes); results written before
// modes have none and spawned a unit per task (as loadgen/src/executors/overhead/modes.ts).
const overheadModes = (s) => (s.overhead?.modes ?? []).map((o) => ({ ...o, mode: o.mode ?? 'spawn' }));

export const owns = (s) => overheadModes(s).length > 0;

export function charts(results, grid) {
  const modes = ['pool', 'spawn'].filter((m) => results.targets.some((t) => t.steps.some((s) => overheadModes(s).some((o) => o.mode === m))));
  const loads = [...new Set(results.targets.flatMap((t) => t.steps.map((s) => s.load)))].sort((a, b) => a - b);
  const logX = logLoads(loads);
  for (const mode of modes) {
    const { list } = byLoad(results, (s) => overheadModes(s).find((o) => o.mode === mode)?.overhead ?? null, colourOf);
    loadChart(grid, { title: `Overhead vs workers, ${mode} mode (elapsed / ideal)`, unit: 'x', loads, logX, series: { xLabel: 'workers', list } });
  }
}
