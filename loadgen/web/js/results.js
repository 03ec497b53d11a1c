// The Results tab: the list of runs in the results folder and one run's view (charts, Findings,
// steps table, the report's chart files).
import { api } from './api.js';
import { destroyResultCharts } from './charts.js';
import { $, el } from './dom.js';
import { fmt } from './format.js';
import { resultChartSet } from './result-charts.js';
import { timelineView } from './timeline.js';
import { colourOf } from './targets.js';
import { resultViews } from './views.js';

export async function loadResultList() {
  const { results } = await api('/api/results');
  const ul = $('#result-list');
  ul.textContent = '';
  for (const r of results) {
    ul.append(el('li', { 'data-id': r.id, onclick: () => { location.hash = `#results/${encodeURIComponent(r.id)}`; } },
      el('div', {}, el('b', {}, r.scenario ?? '?'), ' ', el('span', { class: `status-${r.status}` }, r.status ?? '')),
      el('div', { class: 'id' }, r.id),
      r.error ? el('div', { class: 'bad' }, r.error) : el('div', { class: 'muted' }, `${r.targets.join(', ')}`),
      r.report ? reportLink(r.id) : null));
  }
  if (!results.length) ul.append(el('li', { class: 'muted' }, 'No runs yet: start one from Scenarios.'));
  return results;
}

/** The run's report.html (one self-contained file to share), opened in a new tab. */
function reportLink(id) {
  return el('a', { class: 'report-link', href: `/api/results/${encodeURIComponent(id)}/report.html`, target: '_blank', rel: 'noopener', onclick: (e) => e.stopPropagation() }, 'report.html');
}

export async function loadResults(id) {
  const list = await loadResultList();
  const chosen = id ?? list.find((r) => !r.error)?.id;
  for (const li of document.querySelectorAll('#result-list li')) li.classList.toggle('selected', li.dataset.id === chosen);
  if (chosen) await showResult(chosen);
}

const STEP_HEADERS = ['target', 'load', 'req/s', 'ideal', 'p50', 'p99', 'max', 'errors', 'peak RSS', 'threads'];

/** The fields every step has, then each view's columns (e.g. the cross-check's wrk req/s and lab/wrk), then warnings. */
export function stepTable(results, views) {
  const extra = views.flatMap((v) => v.stepColumns ?? []);
  const headers = [...STEP_HEADERS, ...extra.map((c) => c.header), 'warnings'];
  const table = el('table', { class: 'table steps' },
    el('thead', {}, el('tr', {}, headers.map((h, i) => el('th', { class: i > 0 && i < headers.length - 1 ? 'num' : '' }, h)))));
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
        ...extra.map((c) => c.cell(s)),
        el('td', {}, s.warnings.join('; '))));
    }
    if (t.failed) body.append(el('tr', {}, el('td', { colspan: headers.length, class: 'down-val' }, `${t.name} failed: ${t.failed}`)));
  }
  table.append(body);
  return table;
}

/** The Findings the API computed from the run (the same text as summary.md's Findings). */
export function findingsView(f) {
  const box = el('section', { id: 'findings' }, el('h3', { style: 'margin-top:16px' }, 'Findings'));
  for (const k of f.rankings) {
    box.append(el('div', { class: 'ranking' }, el('b', {}, k.question), el('span', { class: 'muted' }, ` (${k.unit}, ${k.order}; ${k.basis})`),
      // Ranks as computed (rankWithinNoise): rows sharing a rank are tied within noise; below-floor rows are listed, not ranked.
      ...(k.entries.length > 1 && k.entries.every((e) => e.tied) ? [el('div', {}, 'All tied within noise: no row is ranked above another.')] : []),
      el('ol', {}, k.entries.map((e, i) => el('li', { value: String(e.rank ?? i + 1) }, el('span', { class: 'swatch', style: `background:${colourOf(e.row)}` }),
        ` ${e.row}: ${e.text}${e.tied ? ' (tied within noise)' : ''}`))),
      ...((k.below_floor ?? []).length ? [el('ul', { class: 'muted' }, k.below_floor.map((b) => el('li', {}, `${b.row}: ${b.text} (below the measurement's noise floor: not ranked)`)))] : [])));
  }
  for (const r of f.rows.filter((x) => x.items.length)) {
    box.append(el('div', { class: 'row-findings' }, el('b', {}, el('span', { class: 'swatch', style: `background:${colourOf(r.row)}` }), ` ${r.row}`),
      el('ul', {}, r.items.map((i) => el('li', {}, i.text)))));
  }
  if (f.notes.length) box.append(el('div', { class: 'muted' }, 'Not covered by this run:'), el('ul', { class: 'muted' }, f.notes.map((n) => el('li', {}, n))));
  return box;
}

/** Empties the result view and fetches one result (a run or a tour); on failure says so in the view and gives null. */
export async function fetchIntoResultView(id) {
  const view = $('#result-view');
  destroyResultCharts();
  view.textContent = '';
  try {
    return { view, data: await api(`/api/results/${encodeURIComponent(id)}`) };
  } catch (err) {
    view.append(el('div', { class: 'notice error' }, `Cannot show ${id}: ${err.message}`));
    return null;
  }
}

async function showResult(id) {
  const got = await fetchIntoResultView(id);
  if (!got) return;
  const { view, data } = got;
  const r = data.results;
  view.dataset.id = id;
  view.append(
    el('h3', {}, `${r.scenario.name} `, el('span', { class: `status-${r.status}` }, r.status)),
    el('div', { class: 'meta' }, `${id} · ${r.scenario.executor} · ${r.environment.runtime} runtime · ${r.environment.cpus} CPUs · node ${r.environment.node}${r.environment.python ? ` · python ${r.environment.python}` : ''}${r.upstream_delay_ms !== null ? ` · upstream delay ${r.upstream_delay_ms} ms` : ''}`),
  );
  if (data.report) view.querySelector('.meta').append(' · ', reportLink(id));
  const views = await resultViews();
  await resultChartSet(r, view);
  if (data.findings) view.append(findingsView(data.findings));
  const timeline = timelineView(r);
  if (timeline) view.append(timeline);
  view.append(el('h3', { style: 'margin-top:16px' }, 'Steps'), stepTable(r, views));
  if (data.charts.length) {
    view.append(el('h3', { style: 'margin-top:16px' }, 'Report charts'));
    view.append(el('div', { class: 'report-images' }, data.charts.filter((f) => f.endsWith('.svg') || !data.charts.includes(f.replace(/\.png$/, '.svg'))).map((f) =>
      el('img', { src: `/api/results/${encodeURIComponent(id)}/files/${encodeURIComponent(f)}`, alt: f, loading: 'lazy' }))));
  }
}
