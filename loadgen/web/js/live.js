// The Live tab: polls /api/live every second, keeps the last five minutes per row and draws the
// six panels with a legend of the running rows.
/* global uPlot */
import { api } from './api.js';
import { AXIS, chartSize } from './charts.js';
import { $, el } from './dom.js';
import { eventMarksPlugin } from './event-marks.js';
import { fmt } from './format.js';
import { colourOf, targets } from './targets.js';

const LIVE_WINDOW_S = 300;
const liveData = new Map(); // name -> points (oldest first)
let liveSince = 0;
const liveCharts = new Map();
// Scenario events and supervision (crashes, restarts) from /api/live: vertical marks on every panel.
const liveEventMarks = new Map(); // key -> { t, end, label }

// The live charts' x axis is in seconds; marks are kept in ms as /api/live sends them.
const eventMarks = eventMarksPlugin(() => [...liveEventMarks.values()].map((m) => ({ t: m.t / 1000, end: m.end ? m.end / 1000 : null, label: m.label })));

const LIVE_PANELS = [
  { id: 'live-rps', value: (p) => p.rps, axis: (v) => fmt.tick(v), legend: (v) => `${fmt.num(v, 1)} req/s` },
  { id: 'live-p99', value: (p) => p.p99Ms, axis: (v) => fmt.tick(v), legend: (v) => fmt.ms(v) },
  { id: 'live-rss', value: (p) => (p.rssBytes === null ? null : p.rssBytes / 1048576), axis: (v) => fmt.tick(v), legend: (v) => (v === null ? '–' : `${v.toFixed(1)} MiB`) },
  { id: 'live-threads', value: (p) => p.osThreads, axis: (v) => fmt.tick(v), legend: (v) => fmt.num(v) },
  { id: 'live-conns', value: (p) => p.openConnections, axis: (v) => fmt.tick(v), legend: (v) => fmt.num(v) },
  { id: 'live-cpu', value: (p) => (p.cpuCores === null ? null : p.cpuCores * 100), axis: (v) => fmt.tick(v), legend: (v) => (v === null ? '–' : `${v.toFixed(0)} %`) },
];

function makeLiveChart(panel, names) {
  const container = document.getElementById(panel.id);
  container.textContent = '';
  const opts = {
    ...chartSize(container),
    cursor: { points: { size: 6 } },
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] } },
    axes: [{ ...AXIS }, { ...AXIS, size: 50, values: (u, vals) => vals.map(panel.axis) }],
    legend: { live: true },
    plugins: [eventMarks],
    series: [{}, ...names.map((n) => ({ label: n, stroke: colourOf(n), width: 2, spanGaps: false, points: { show: false }, value: (u, v) => panel.legend(v) }))],
  };
  const chart = new uPlot(opts, [[], ...names.map(() => [])], container);
  chart.container = container;
  return chart;
}

function liveAligned(panel, names) {
  // Targets are scraped at slightly different instants: align them on whole seconds.
  const xs = new Set();
  const byName = names.map((n) => {
    const m = new Map();
    for (const p of liveData.get(n) ?? []) {
      const x = Math.round(p.t / 1000);
      xs.add(x);
      m.set(x, p.up ? panel.value(p) : null);
    }
    return m;
  });
  const x = [...xs].sort((a, b) => a - b);
  return [x, ...byName.map((m) => x.map((t) => (m.has(t) ? m.get(t) : null)))];
}

function redrawLive() {
  const names = targets.map((t) => t.name);
  for (const panel of LIVE_PANELS) {
    let chart = liveCharts.get(panel.id);
    const key = names.join(',');
    if (!chart || chart.key !== key) {
      chart?.destroy();
      chart = makeLiveChart(panel, names);
      chart.key = key;
      liveCharts.set(panel.id, chart);
    }
    const data = liveAligned(panel, names);
    chart.setData(data);
    // For tests and curious users: how many values this chart is drawing.
    const drawn = data.slice(1).reduce((n, s) => n + s.filter((v) => v !== null && v !== undefined).length, 0);
    chart.container.dataset.points = String(drawn);
  }
  renderLegend();
}

function renderLegend() {
  const legend = $('#legend');
  legend.textContent = '';
  for (const t of targets) {
    const pts = liveData.get(t.name) ?? [];
    const last = pts[pts.length - 1];
    legend.append(el('div', { class: 'item', 'data-target': t.name },
      el('span', { class: 'swatch', style: `background:${colourOf(t.name)}` }),
      el('span', { class: 'name' }, t.name),
      el('span', { class: 'model' }, t.model),
      last && !last.up ? el('span', { class: 'down' }, 'not answering') : null));
  }
  // Under `lab up` the start-up panel above says where each row is; rows join the legend as they answer.
  const starting = !$('#startup').classList.contains('hidden');
  if (targets.length === 0) legend.append(el('div', { class: 'muted' }, starting ? 'The rows appear here once they answer.' : 'No implementation is running: start the lab with `npm start` or `lab up`.'));
}

/** Resizes the live charts to their containers (after a tab switch or a window resize). */
export function resizeLiveCharts() {
  for (const c of liveCharts.values()) c.setSize(chartSize(c.container));
}

export async function pollLive() {
  try {
    const { now, series, events = [] } = await api(`/api/live?since=${liveSince}`);
    for (const e of events) liveEventMarks.set(`${e.kind}|${e.service}|${e.t}`, { t: e.t, end: e.end ?? (e.kind === 'upstream' || e.kind === 'pause' ? now : null), label: e.label });
    for (const [k, m] of liveEventMarks) if (m.t < now - LIVE_WINDOW_S * 1000) liveEventMarks.delete(k);
    for (const s of series) {
      const pts = liveData.get(s.name) ?? [];
      pts.push(...s.points);
      while (pts.length && pts[0].t < now - LIVE_WINDOW_S * 1000) pts.shift();
      liveData.set(s.name, pts);
      if (s.points.length) liveSince = Math.max(liveSince, s.points[s.points.length - 1].t);
    }
    if (!$('#tab-live').classList.contains('hidden')) redrawLive();
  } catch (err) {
    console.warn('live poll failed', err);
  }
}
