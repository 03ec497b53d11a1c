// The Results tab: the list of runs in the results folder and one run's view (charts, Findings,
// step tables, the report's chart files), each as the server computed it (GET /api/results/<id>
// `view`: the same tables and charts as summary.md and report.html).
import { api } from './api.js';
import { destroyResultCharts } from './charts.js';
import { $, el } from './dom.js';
import { drawBlocks } from './blocks.js';
import { resultChartSet } from './result-charts.js';
import { timelineView } from './timeline.js';

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

/** A run's step tables as summary.md has them (the server's view.targets), a section per target, then the run's sections and warnings. */
export function stepsView(view) {
  const box = el('section', { class: 'steps-view' });
  for (const t of view.targets) {
    box.append(el('div', { class: 'target-steps', 'data-target': t.name },
      el('h4', {}, el('span', { class: 'swatch', style: `background:${t.colour}` }), ` ${t.name}`, t.failed ? el('span', { class: 'down-val' }, ` failed: ${t.failed}`) : null),
      ...drawBlocks(t.blocks, 5)));
  }
  box.append(...drawBlocks(view.sections, 4));
  return box;
}

/** The Findings the API computed from the run (summary.md's Findings section, as blocks). */
export function findingsView(blocks) {
  return el('section', { id: 'findings' }, ...drawBlocks(blocks, 3));
}

// Which opening of the result view is the newest: a result opened while another is still on
// its way wins, and the older one, when its answer arrives, draws nothing.
let opening = 0;

/** Empties the result view and fetches one result (a run or a tour); on failure says so in the
 * view and gives null, as it does when another result was opened meanwhile. */
export async function fetchIntoResultView(id) {
  const view = $('#result-view');
  const mine = ++opening;
  destroyResultCharts();
  view.textContent = '';
  delete view.dataset.id;
  delete view.dataset.kind;
  try {
    const data = await api(`/api/results/${encodeURIComponent(id)}`);
    return mine === opening ? { view, data } : null;
  } catch (err) {
    if (mine === opening) view.append(el('div', { class: 'notice error' }, `Cannot show ${id}: ${err.message}`));
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
  view.append(resultChartSet(data.view));
  view.append(findingsView(data.view.findings));
  const timeline = timelineView(data.view.timelines);
  if (timeline) view.append(timeline);
  view.append(el('h3', { style: 'margin-top:16px' }, 'Steps'), stepsView(data.view));
  if (data.charts.length) {
    view.append(el('h3', { style: 'margin-top:16px' }, 'Report charts'));
    view.append(el('div', { class: 'report-images' }, data.charts.filter((f) => f.endsWith('.svg') || !data.charts.includes(f.replace(/\.png$/, '.svg'))).map((f) =>
      el('img', { src: `/api/results/${encodeURIComponent(id)}/files/${encodeURIComponent(f)}`, alt: f, loading: 'lazy' }))));
  }
}
