// The charts of one result: the report's charts (the owner view's, computed by the server as
// series per load, GET /api/results/<id> `view.charts`), drawn with uPlot.
import { drawCharts } from './blocks.js';
import { el } from './dom.js';

export function resultChartSet(view, idPrefix = '') {
  const grid = el('div', { class: 'grid', id: `${idPrefix}result-charts` });
  // uPlot sizes a chart from its container: draw once the grid is in the page.
  requestAnimationFrame(() => drawCharts(view.charts, grid));
  return grid;
}
