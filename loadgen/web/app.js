// The lab's page: live panels, scenarios, results and compare, drawn with uPlot (global
// `uPlot`, served from node_modules by the lab: no CDN, the lab runs offline).
/* global uPlot */

// One colour per row from the shared table (dashboards/row-colours.json, which Grafana and the
// report charts also use), handed over by /api/targets; until it arrives every row is grey.
let rowColours = { rows: {}, spare: ['#8592a3'] };
function colourOf(name) {
  return rowColours.rows[name] ?? rowColours.spare[spareIndex(name, rowColours.spare.length)];
}
// Unknown rows: 32-bit FNV-1a of the name into the spare list, the same hash as
// loadgen/src/charts/colours.ts, so such a row too has one colour on the page and in reports.
function spareIndex(name, size) {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % size;
}

const AXIS = { stroke: '#8592a3', grid: { stroke: '#232b36', width: 1 }, ticks: { stroke: '#2a3340', width: 1 }, font: '11px system-ui, sans-serif' };
const LIVE_WINDOW_S = 300;

const $ = (sel) => document.querySelector(sel);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null) node.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  return node;
};

async function api(path, init) {
  const res = await fetch(path, init);
  let body = null;
  try { body = await res.json(); } catch { /* not JSON */ }
  if (!res.ok) {
    const err = new Error(body?.error ?? `${res.status} ${res.statusText}`);
    err.status = res.status;
    throw err;
  }
  return body;
}

const fmt = {
  num(v, digits = 0) { return v === null || v === undefined || Number.isNaN(v) ? '–' : Number(v).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }); },
  ms(v) { return v === null || v === undefined ? '–' : v < 10 ? `${v.toFixed(2)} ms` : v < 1000 ? `${v.toFixed(1)} ms` : `${(v / 1000).toFixed(2)} s`; },
  bytes(v) {
    if (v === null || v === undefined) return '–';
    const units = ['B', 'KiB', 'MiB', 'GiB'];
    let i = 0;
    while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return `${v.toFixed(v < 10 && i > 0 ? 1 : 0)} ${units[i]}`;
  },
  // Axis tick labels: short, with thousands as k.
  tick(v) { return v === null ? '' : Math.abs(v) >= 1000 ? `${+(v / 1000).toFixed(1)}k` : `${+v.toFixed(2)}`; },
};

// ---------------------------------------------------------------- tabs

function showTab(name) {
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', a.dataset.tab === name);
  for (const s of document.querySelectorAll('.tab')) s.classList.toggle('hidden', s.id !== `tab-${name}`);
  if (name === 'live') for (const c of liveCharts.values()) c.setSize(chartSize(c.container));
}

function route() {
  const [tab, arg] = location.hash.replace(/^#/, '').split('/');
  const name = ['live', 'scenarios', 'results', 'compare'].includes(tab) ? tab : 'live';
  showTab(name);
  if (name === 'results') loadResults(arg ? decodeURIComponent(arg) : undefined);
  if (name === 'compare') loadCompareChoices();
  if (name === 'scenarios') loadScenarios();
}
window.addEventListener('hashchange', route);

// ---------------------------------------------------------------- live

let targets = [];
const liveData = new Map(); // name -> points (oldest first)
let liveSince = 0;
const liveCharts = new Map();

const LIVE_PANELS = [
  { id: 'live-rps', value: (p) => p.rps, axis: (v) => fmt.tick(v), legend: (v) => `${fmt.num(v, 1)} req/s` },
  { id: 'live-p99', value: (p) => p.p99Ms, axis: (v) => fmt.tick(v), legend: (v) => fmt.ms(v) },
  { id: 'live-rss', value: (p) => (p.rssBytes === null ? null : p.rssBytes / 1048576), axis: (v) => fmt.tick(v), legend: (v) => (v === null ? '–' : `${v.toFixed(1)} MiB`) },
  { id: 'live-threads', value: (p) => p.osThreads, axis: (v) => fmt.tick(v), legend: (v) => fmt.num(v) },
  { id: 'live-conns', value: (p) => p.openConnections, axis: (v) => fmt.tick(v), legend: (v) => fmt.num(v) },
  { id: 'live-cpu', value: (p) => (p.cpuCores === null ? null : p.cpuCores * 100), axis: (v) => fmt.tick(v), legend: (v) => (v === null ? '–' : `${v.toFixed(0)} %`) },
];

function chartSize(container, height = 220) {
  return { width: Math.max(300, container.clientWidth || 460), height };
}

function makeLiveChart(panel, names) {
  const container = document.getElementById(panel.id);
  container.textContent = '';
  const opts = {
    ...chartSize(container),
    cursor: { points: { size: 6 } },
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] } },
    axes: [{ ...AXIS }, { ...AXIS, size: 50, values: (u, vals) => vals.map(panel.axis) }],
    legend: { live: true },
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
  if (targets.length === 0) legend.append(el('div', { class: 'muted' }, 'No implementation is running: start the lab with `npm start` or `lab up`.'));
}

async function loadTargets() {
  const info = await api('/api/targets');
  targets = info.targets;
  if (info.row_colours) rowColours = info.row_colours;
  const unavailable = $('#unavailable');
  if (info.unavailable.length) {
    unavailable.classList.remove('hidden');
    unavailable.textContent = '';
    unavailable.append('Not running: ', ...info.unavailable.map((u, i) => el('span', {}, i ? '; ' : '', el('b', {}, u.name), ` (${u.reason}${u.hint ? `: ${u.hint}` : ''})`)));
  } else unavailable.classList.add('hidden');
  renderTargetChecks();
}

async function pollLive() {
  try {
    const { now, series } = await api(`/api/live?since=${liveSince}`);
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

window.addEventListener('resize', () => {
  for (const c of liveCharts.values()) c.setSize(chartSize(c.container));
});

// ---------------------------------------------------------------- scenarios and runs

let scenarios = [];
let lastRunState = null;

function renderTargetChecks() {
  const box = $('#target-checks');
  const checked = new Set([...box.querySelectorAll('input:checked')].map((i) => i.value));
  const first = box.childElementCount === 0;
  box.textContent = '';
  for (const t of targets) {
    box.append(el('label', {},
      el('input', { type: 'checkbox', value: t.name, ...(first || checked.has(t.name) ? { checked: '' } : {}) }),
      el('span', { class: 'swatch', style: `background:${colourOf(t.name)}` }), t.name));
  }
  if (!targets.length) box.append(el('span', { class: 'muted' }, 'no target running'));
}

async function loadScenarios() {
  const { scenarios: list } = await api('/api/scenarios');
  scenarios = list;
  const body = $('#scenario-table tbody');
  body.textContent = '';
  for (const s of list) {
    body.append(el('tr', { 'data-scenario': s.name },
      el('td', {}, el('b', {}, s.name)),
      el('td', {}, el('code', {}, s.executor)),
      el('td', {}, s.description),
      el('td', {}, el('button', { class: 'btn start', 'data-scenario': s.name, onclick: () => startRun(s.name) }, 'Start'))));
  }
  updateRunButtons();
}

async function startRun(name) {
  const errorBox = $('#run-error');
  errorBox.classList.add('hidden');
  const chosen = [...document.querySelectorAll('#target-checks input:checked')].map((i) => i.value);
  try {
    const state = await api('/api/runs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scenario: name, ...(chosen.length ? { targets: chosen } : {}) }),
    });
    renderRunState(state);
  } catch (err) {
    errorBox.textContent = err.status === 409 ? `Refused: ${err.message}` : `Could not start ${name}: ${err.message}`;
    errorBox.classList.remove('hidden');
  }
  pollRun();
}

function updateRunButtons() {
  const running = lastRunState?.status === 'running';
  // Buttons stay clickable while a run is on: the server's 409 says why a second one is refused.
  for (const b of document.querySelectorAll('button.start')) b.title = running ? 'a run is in progress' : '';
}

/** A human line for one runScenario progress event (loadgen/src/run/run-scenario.ts RunProgress). */
function describeProgress(ev) {
  if (!ev || typeof ev !== 'object') return '';
  const parts = [];
  if (ev.target) parts.push(ev.targetTotal > 1 ? `${ev.target} (${ev.targetIndex + 1}/${ev.targetTotal})` : ev.target);
  if (ev.index !== undefined && ev.total) parts.push(`step ${ev.index + 1}/${ev.total}: load ${fmt.num(ev.step)}`);
  if (ev.phase) parts.push(ev.phaseSeconds ? `${ev.phase} ${Math.floor(ev.elapsed ?? 0)}/${ev.phaseSeconds} s` : ev.phase);
  if (typeof ev.rps === 'number') parts.push(`${fmt.num(ev.rps, 0)} req/s`);
  if (ev.message) parts.push(ev.message);
  return parts.join(' · ');
}

const PHASE_SPAN = { starting: [0, 0], warmup: [0, 0.25], measure: [0.25, 0.9], 'cross-check': [0.9, 0.9], cooldown: [0.9, 1], 'step-done': [1, 1], 'target-failed': [1, 1] };

function progressFraction(state) {
  const ev = state.progress;
  if (state.status !== 'running') return 1;
  if (!ev || !ev.total || !ev.targetTotal) return 0;
  const [from, to] = PHASE_SPAN[ev.phase] ?? [0, 0];
  const inPhase = ev.phaseSeconds ? Math.min(1, (ev.elapsed ?? 0) / ev.phaseSeconds) : 1;
  const steps = ev.targetIndex * ev.total + ev.index + from + (to - from) * inPhase;
  return Math.min(1, steps / (ev.targetTotal * ev.total));
}

function finishedSteps(state) {
  return (state.events ?? []).filter((e) => e && e.phase === 'step-done' && e.result).map((e) =>
    el('li', {}, el('span', { class: 'swatch', style: `background:${colourOf(e.target)}` }), ` ${e.target} · load ${fmt.num(e.step)} · ${fmt.num(e.result.rps, 1)} req/s · p99 ${fmt.ms(e.result.latency_ms.p99)}${e.result.cross_check ? ` · lab/wrk ${fmt.num(e.result.cross_check.ratio, 2)}${e.result.cross_check.flagged ? ' (flagged)' : ''}` : ''}`));
}

function renderRunState(state) {
  lastRunState = state;
  updateRunButtons();
  const box = $('#run-status');
  const banner = $('#run-banner');
  if (!state || state.status === 'idle') {
    box.classList.add('hidden');
    banner.classList.add('hidden');
    return;
  }
  box.classList.remove('hidden');
  box.dataset.status = state.status;
  const frac = progressFraction(state);
  box.textContent = '';
  box.append(...[
    el('div', { class: 'title' }, `Run ${state.id}: ${state.scenario} `, el('span', { class: `status-${state.status}` }, state.status)),
    el('div', { class: 'muted' }, `targets: ${state.targets ? state.targets.join(', ') : 'as the scenario says'} · started ${new Date(state.started_at).toLocaleTimeString()}`),
    frac === null ? null : el('div', { class: 'progress' }, el('div', { style: `width:${Math.round(frac * 100)}%` })),
    el('div', { class: 'progress-text' }, state.status === 'running' ? describeProgress(state.progress) || 'starting…' : ''),
    el('ul', { class: 'step-log' }, finishedSteps(state)),
    ...(state.events ?? []).filter((e) => e && e.phase === 'note').map((e) => el('div', { class: 'muted' }, `note: ${e.message}`)),
    state.error ? el('div', { class: 'notice error' }, state.error) : null,
    state.result_id && state.status !== 'running' ? el('a', { class: 'btn open-result', href: `#results/${encodeURIComponent(state.result_id)}` }, 'Open results') : null,
  ].filter(Boolean));
  banner.classList.toggle('hidden', state.status !== 'running');
  banner.textContent = state.status === 'running' ? `Running ${state.scenario}: ${describeProgress(state.progress) || 'starting…'}` : '';
}

async function pollRun() {
  try {
    const state = await api('/api/runs/current');
    const wasRunning = lastRunState?.status === 'running';
    renderRunState(state);
    if (wasRunning && state.status !== 'running') loadResultList();
  } catch (err) {
    console.warn('run poll failed', err);
  }
}

// ---------------------------------------------------------------- results

let resultList = [];
const resultCharts = [];

async function loadResultList() {
  const { results } = await api('/api/results');
  resultList = results;
  const ul = $('#result-list');
  ul.textContent = '';
  for (const r of results) {
    ul.append(el('li', { 'data-id': r.id, onclick: () => { location.hash = `#results/${encodeURIComponent(r.id)}`; } },
      el('div', {}, el('b', {}, r.scenario ?? '?'), ' ', el('span', { class: `status-${r.status}` }, r.status ?? '')),
      el('div', { class: 'id' }, r.id),
      r.error ? el('div', { class: 'bad' }, r.error) : el('div', { class: 'muted' }, `${r.targets.join(', ')}`)));
  }
  if (!results.length) ul.append(el('li', { class: 'muted' }, 'No runs yet: start one from Scenarios.'));
  return results;
}

async function loadResults(id) {
  const list = await loadResultList();
  const chosen = id ?? list.find((r) => !r.error)?.id;
  for (const li of document.querySelectorAll('#result-list li')) li.classList.toggle('selected', li.dataset.id === chosen);
  if (chosen) await showResult(chosen);
}

const LOAD_LABEL = { connections: 'connections', rate_rps: 'arrival rate (req/s)', workers: 'workers' };

function loadChart(container, { title, unit, loads, series, logX, height = 240 }) {
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

function resultChartSet(results, container, idPrefix = '') {
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

function stepTable(results) {
  const table = el('table', { class: 'table steps' },
    el('thead', {}, el('tr', {}, ['target', 'load', 'req/s', 'ideal', 'p50', 'p99', 'max', 'errors', 'peak RSS', 'threads', 'wrk req/s', 'lab/wrk', 'warnings'].map((h, i) => el('th', { class: i > 0 && i < 12 ? 'num' : '' }, h)))));
  const body = el('tbody');
  for (const t of results.targets) {
    for (const s of t.steps) {
      const errors = s.errors.timeouts + s.errors.non2xx + s.errors.connection;
      body.append(el('tr', {},
        el('td', {}, el('span', { class: 'swatch', style: `background:${colourOf(t.name)}` }), ' ', t.name),
        el('td', { class: 'num' }, fmt.num(s.load)),
        el('td', { class: 'num' }, fmt.num(s.rps, 1)),
        el('td', { class: 'num' }, fmt.num(s.ideal_rps, 1)),
        el('td', { class: 'num' }, fmt.ms(s.latency_ms.p50)),
        el('td', { class: 'num' }, fmt.ms(s.latency_ms.p99)),
        el('td', { class: 'num' }, fmt.ms(s.latency_ms.max)),
        el('td', { class: 'num' }, fmt.num(errors)),
        el('td', { class: 'num' }, fmt.bytes(s.server.rss_bytes_peak)),
        el('td', { class: 'num' }, fmt.num(s.server.os_threads_peak)),
        // The cross-check (wrk on the same step): a ratio under 0.9 is flagged.
        el('td', { class: 'num' }, s.cross_check ? fmt.num(s.cross_check.rps, 1) : '–'),
        el('td', { class: `num cross-check${s.cross_check?.flagged ? ' down-val' : ''}`, title: s.cross_check?.note ?? '' }, s.cross_check?.ratio == null ? '–' : `${s.cross_check.ratio.toFixed(2)}${s.cross_check.flagged ? ' ⚑' : ''}`),
        el('td', {}, s.warnings.join('; '))));
    }
    if (t.failed) body.append(el('tr', {}, el('td', { colspan: 13, class: 'down-val' }, `${t.name} failed: ${t.failed}`)));
  }
  table.append(body);
  return table;
}

/** The Findings the API computed from the run (the same text as summary.md's Findings). */
function findingsView(f) {
  const box = el('section', { id: 'findings' }, el('h3', { style: 'margin-top:16px' }, 'Findings'));
  for (const k of f.rankings) {
    box.append(el('div', { class: 'ranking' }, el('b', {}, k.question), el('span', { class: 'muted' }, ` (${k.unit}, ${k.order}; ${k.basis})`),
      el('ol', {}, k.entries.map((e) => el('li', {}, el('span', { class: 'swatch', style: `background:${colourOf(e.row)}` }), ` ${e.row}: ${e.text}`)))));
  }
  for (const r of f.rows.filter((x) => x.items.length)) {
    box.append(el('div', { class: 'row-findings' }, el('b', {}, el('span', { class: 'swatch', style: `background:${colourOf(r.row)}` }), ` ${r.row}`),
      el('ul', {}, r.items.map((i) => el('li', {}, i.text)))));
  }
  if (f.notes.length) box.append(el('div', { class: 'muted' }, 'Not covered by this run:'), el('ul', { class: 'muted' }, f.notes.map((n) => el('li', {}, n))));
  return box;
}

async function showResult(id) {
  const view = $('#result-view');
  for (const c of resultCharts.splice(0)) c.destroy();
  view.textContent = '';
  let data;
  try {
    data = await api(`/api/results/${encodeURIComponent(id)}`);
  } catch (err) {
    view.append(el('div', { class: 'notice error' }, `Cannot show ${id}: ${err.message}`));
    return;
  }
  const r = data.results;
  view.dataset.id = id;
  view.append(
    el('h3', {}, `${r.scenario.name} `, el('span', { class: `status-${r.status}` }, r.status)),
    el('div', { class: 'meta' }, `${id} · ${r.scenario.executor} · ${r.environment.runtime} runtime · ${r.environment.cpus} CPUs · node ${r.environment.node}${r.environment.python ? ` · python ${r.environment.python}` : ''}${r.upstream_delay_ms !== null ? ` · upstream delay ${r.upstream_delay_ms} ms` : ''}`),
  );
  resultChartSet(r, view);
  if (data.findings) view.append(findingsView(data.findings));
  view.append(el('h3', { style: 'margin-top:16px' }, 'Steps'), stepTable(r));
  if (data.charts.length) {
    view.append(el('h3', { style: 'margin-top:16px' }, 'Report charts'));
    view.append(el('div', { class: 'report-images' }, data.charts.filter((f) => f.endsWith('.svg') || !data.charts.includes(f.replace(/\.png$/, '.svg'))).map((f) =>
      el('img', { src: `/api/results/${encodeURIComponent(id)}/files/${encodeURIComponent(f)}`, alt: f, loading: 'lazy' }))));
  }
}

// ---------------------------------------------------------------- compare

async function loadCompareChoices() {
  const list = (await loadResultList()).filter((r) => !r.error);
  for (const [sel, idx] of [[$('#compare-a'), 1], [$('#compare-b'), 0]]) {
    const keep = sel.value;
    sel.textContent = '';
    for (const r of list) sel.append(el('option', { value: r.id }, `${r.scenario} · ${r.id}`));
    sel.value = keep && list.some((r) => r.id === keep) ? keep : list[Math.min(idx, list.length - 1)]?.id ?? '';
  }
}

async function compare() {
  const a = $('#compare-a').value;
  const b = $('#compare-b').value;
  const errorBox = $('#compare-error');
  const view = $('#compare-view');
  errorBox.classList.add('hidden');
  view.textContent = '';
  try {
    const data = await api(`/api/compare?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`);
    const loads = [...new Set(data.rows.map((r) => r.load))].sort((x, y) => x - y);
    const list = [];
    for (const name of [...new Set(data.rows.map((r) => r.target))]) {
      const rows = new Map(data.rows.filter((r) => r.target === name).map((r) => [r.load, r]));
      list.push({ label: `${name} A`, colour: colourOf(name), values: loads.map((l) => rows.get(l)?.a?.rps ?? null) });
      list.push({ label: `${name} B`, colour: colourOf(name), dash: [4, 4], values: loads.map((l) => rows.get(l)?.b?.rps ?? null) });
    }
    const grid = el('div', { class: 'grid' });
    view.append(grid);
    loadChart(grid, { title: 'Throughput, A solid vs B dashed', unit: 'req/s', loads, series: { xLabel: 'load', list } });
    const table = el('table', { class: 'table' }, el('thead', {}, el('tr', {}, ['target', 'load', 'A req/s', 'B req/s', 'change', 'A p99', 'B p99'].map((h, i) => el('th', { class: i ? 'num' : '' }, h)))));
    const body = el('tbody');
    for (const r of data.rows) {
      body.append(el('tr', {},
        el('td', {}, el('span', { class: 'swatch', style: `background:${colourOf(r.target)}` }), ' ', r.target),
        el('td', { class: 'num' }, fmt.num(r.load)),
        el('td', { class: 'num' }, fmt.num(r.a?.rps, 1)),
        el('td', { class: 'num' }, fmt.num(r.b?.rps, 1)),
        el('td', { class: `num ${r.rps_change === null ? '' : r.rps_change >= 0 ? 'up' : 'down-val'}` }, r.rps_change === null ? '–' : `${r.rps_change >= 0 ? '+' : ''}${(r.rps_change * 100).toFixed(1)}%`),
        el('td', { class: 'num' }, fmt.ms(r.a?.p99_ms)),
        el('td', { class: 'num' }, fmt.ms(r.b?.p99_ms))));
    }
    table.append(body);
    view.append(el('h3', { style: 'margin-top:16px' }, 'Per step'), table);
  } catch (err) {
    errorBox.textContent = `Cannot compare: ${err.message}`;
    errorBox.classList.remove('hidden');
  }
}
$('#compare-go').addEventListener('click', compare);

// ---------------------------------------------------------------- start

async function boot() {
  try {
    await loadTargets();
  } catch (err) {
    $('#unavailable').textContent = `Cannot reach the lab API: ${err.message}`;
    $('#unavailable').classList.remove('hidden');
  }
  route();
  await pollLive();
  setInterval(pollLive, 1000);
  setInterval(pollRun, 1000);
  setInterval(() => loadTargets().catch(() => {}), 10000);
  pollRun();
}
boot();
