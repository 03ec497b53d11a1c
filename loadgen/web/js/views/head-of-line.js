// The head-of-line executor's results (StepResult.head_of_line): light requests' p99 with heavy
// requests beside and alone, per row; the page imports every view /api/executors lists, so a new
// executor's view needs this module.
import { loadChart } from '../charts.js';
import { colourOf } from '../targets.js';
import { byLoad, logLoads } from '../views.js';

export const owns = (s) => s.head_of_line !== undefined && s.head_of_line !== null;

export function charts(results, grid) {
  const xLabel = 'light connections';
  const pick = (which) => byLoad(results, (s) => s.head_of_line?.[which]?.p99_ms ?? null, colourOf);
  const { loads, list: withHeavy } = pick('light');
  const logX = logLoads(loads);
  loadChart(grid, { title: 'Light p99 with heavy requests beside', unit: 'ms', loads, logX, series: { xLabel, list: withHeavy } });
  loadChart(grid, { title: 'Light p99 alone (baseline)', unit: 'ms', loads, logX, series: { xLabel, list: pick('light_alone').list } });
  loadChart(grid, { title: 'Heavy p99', unit: 'ms', loads, logX, series: { xLabel, list: pick('heavy').list } });
}
