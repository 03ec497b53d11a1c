// uPlot setup shared by the tabs (global `uPlot`, served from node_modules by the lab: no CDN,
// the lab runs offline): axis style, chart sizes, and the load-on-x charts of results and compare.
/* global uPlot */
import { el } from './dom.js';
import { fmt } from './format.js';

export const AXIS = { stroke: '#8592a3', grid: { stroke: '#232b36', width: 1 }, ticks: { stroke: '#2a3340', width: 1 }, font: '11px system-ui, sans-serif' };

export function chartSize(container, height = 220) {
  return { width: Math.max(300, container.clientWidth || 460), height };
}

const resultCharts = [];

/** Destroys the load charts drawn so far (before a result view is redrawn). */
export function destroyResultCharts() {
  for (const c of resultCharts.splice(0)) c.destroy();
}

/** A card with one chart of values per load: series.list is [{ label, colour, values, dash? }]. */
export function loadChart(container, { title, unit, loads, series, logX, height = 240 }) {
  const fig = el('figure', { class: 'card' }, el('figcaption', {}, title, unit ? el('span', { class: 'unit' }, unit) : null));
  const div = el('div', { class: 'chart' });
  fig.append(div);
  container.append(fig);
  const opts = {
    width: Math.max(320, div.clientWidth || 460),
    height,
    scales: { x: { time: false, distr: logX ? 3 : 1 }, y: { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] } },
    axes: [{ ...AXIS, label: series.xLabel, labelSize: 20 }, { ...AXIS, size: 52, values: (u, vals) => vals.map(fmt.tick) }],
    series: [{ label: series.xLabel, value: (u, v) => fmt.num(v) }, ...series.list.map((s) => ({
      label: s.label, stroke: s.colour, width: s.dash ? 1.5 : 2, dash: s.dash, spanGaps: true,
      points: { show: !s.dash, size: 6, fill: s.colour }, value: (u, v) => (v === null || v === undefined ? '–' : `${fmt.tick(v)}${unit ? ` ${unit}` : ''}`),
    }))],
  };
  const chart = new uPlot(opts, [loads, ...series.list.map((s) => s.values)], div);
  div.dataset.points = String(series.list.reduce((n, s) => n + s.values.filter((v) => v !== null && v !== undefined).length, 0));
  resultCharts.push(chart);
  return chart;
}
