// The charts of one result, drawn by the view that owns its steps (web/js/views/<name>.js:
// load charts with the Little's-law ideal, memory per idle connection, one overhead chart per mode).
import { el } from './dom.js';
import { ownerView, resultViews } from './views.js';

export async function resultChartSet(results, container, idPrefix = '') {
  const views = await resultViews();
  const grid = el('div', { class: 'grid', id: `${idPrefix}result-charts` });
  container.append(grid);
  ownerView(views, results.targets.flatMap((t) => t.steps)).charts?.(results, grid);
}
