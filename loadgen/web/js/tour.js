// The Results tab for a tour folder (several runs made as one, e.g. the default tour of
// `npm start`): its Findings first, computed from every part at once, then each part's charts
// and steps. A single run is shown by results.js as before.
import { el } from './dom.js';
import { resultChartSet } from './result-charts.js';
import { fetchIntoResultView, findingsView, loadResultList, loadResults, stepsView } from './results.js';

/** Opens a result by id (default: the newest), as a tour or as one run. */
export async function openResult(id) {
  const list = await loadResultList();
  const chosen = id ?? list.find((r) => !r.error)?.id;
  if (list.find((r) => r.id === chosen)?.kind !== 'tour') return loadResults(chosen);
  for (const li of document.querySelectorAll('#result-list li')) li.classList.toggle('selected', li.dataset.id === chosen);
  await showTour(chosen);
}

function took(index) {
  if (!index.finished_at) return '';
  return ` · took ${Math.round((Date.parse(index.finished_at) - Date.parse(index.started_at)) / 1000)} s`;
}

async function showTour(id) {
  const got = await fetchIntoResultView(id);
  if (!got) return;
  const { view, data } = got;
  const { tour, parts } = data;
  const env = parts[0]?.results.environment;
  view.dataset.id = id;
  view.dataset.kind = 'tour';
  view.append(
    el('h3', {}, `${tour.name} `, el('span', { class: `status-${tour.status}` }, tour.status)),
    el('div', { class: 'meta' }, `${id} · a tour of ${tour.parts.length} parts (${tour.parts.map((p) => p.name).join(', ')})${env ? ` · ${env.runtime} runtime · ${env.cpus} CPUs · node ${env.node}${env.python ? ` · python ${env.python}` : ''}` : ''}${took(tour)}`),
    el('p', { class: 'muted' }, tour.description),
    findingsView(data.view.findings),
  );
  for (const [i, part] of parts.entries()) {
    const section = el('section', { class: 'tour-part', 'data-part': part.name },
      el('h3', { style: 'margin-top:20px' }, `${i + 1}. ${part.name} `, el('span', { class: 'muted' }, `${part.results.scenario.executor} · ${part.results.status}`)),
      el('p', { class: 'muted' }, part.results.scenario.description ?? ''));
    view.append(section);
    section.append(resultChartSet(part.view, `part${i}-`));
    section.append(el('details', {}, el('summary', {}, `Steps of ${part.name}`), stepsView(part.view)));
  }
  const missing = tour.parts.filter((p) => !parts.some((q) => q.name === p.name));
  if (missing.length) view.append(el('div', { class: 'muted' }, `Not run: ${missing.map((p) => `${p.name} (${p.status})`).join(', ')}`));
}
