// The Compare tab: two runs side by side in the figures their executors publish, as `lab compare`
// computes them (GET /api/compare: one table per figure, the change with its Mann-Whitney p or
// `~` when there are trials, a note when one trial a side cannot tell it from noise). The first
// figure (the executor's headline: req/s, overhead, bytes per connection) is also drawn, A solid
// and B dashed. The page computes nothing.
import { api } from './api.js';
import { loadChart } from './charts.js';
import { $, el } from './dom.js';
import { loadResultList } from './results.js';
import { colourOf } from './targets.js';

export async function loadCompareChoices() {
  // A tour is several runs: compare single runs (a tour's parts are shown on its own page).
  const list = (await loadResultList()).filter((r) => !r.error && r.kind !== 'tour');
  for (const [sel, idx] of [[$('#compare-a'), 1], [$('#compare-b'), 0]]) {
    const keep = sel.value;
    sel.textContent = '';
    for (const r of list) sel.append(el('option', { value: r.id }, `${r.scenario} · ${r.id}`));
    sel.value = keep && list.some((r) => r.id === keep) ? keep : list[Math.min(idx, list.length - 1)]?.id ?? '';
  }
}

function headlineChart(grid, t) {
  const loads = [...new Set(t.rows.map((r) => r.load))].sort((x, y) => x - y);
  const list = [];
  for (const name of [...new Set(t.rows.map((r) => r.target))]) {
    const rows = new Map(t.rows.filter((r) => r.target === name).map((r) => [r.load, r]));
    list.push({ label: `${name} A`, colour: colourOf(name), values: loads.map((l) => rows.get(l)?.a?.value ?? null) });
    list.push({ label: `${name} B`, colour: colourOf(name), dash: [4, 4], values: loads.map((l) => rows.get(l)?.b?.value ?? null) });
  }
  loadChart(grid, { title: `${t.label}, A solid vs B dashed`, unit: t.unit, loads, series: { xLabel: t.loadLabel, list } });
}

/** One figure's table: target, load, A, B, change; its notes under it. */
function figureTable(t) {
  const better = t.better === 'none' ? '' : `, ${t.better} is better`;
  return el('section', { class: 'compare-figure', 'data-key': t.key },
    el('h4', {}, t.label, el('span', { class: 'muted' }, ` (${t.unit}${better})`)),
    el('table', { class: 'table' },
      el('thead', {}, el('tr', {}, ['target', t.loadLabel, 'A', 'B', 'change'].map((h, i) => el('th', { class: i > 1 ? 'num' : '' }, h)))),
      el('tbody', {}, t.rows.map((r) => el('tr', {},
        el('td', {}, el('span', { class: 'swatch', style: `background:${colourOf(r.target)}` }), ' ', r.target),
        el('td', {}, `${r.load}${r.only ? ` (only ${r.only.toUpperCase()})` : ''}`),
        el('td', { class: 'num' }, r.a?.text ?? '–'),
        el('td', { class: 'num' }, r.b?.text ?? '–'),
        el('td', { class: `num change${r.p !== null && !r.change.startsWith('~') ? ' significant' : ''}` }, r.change))))),
    ...t.notes.map((n) => el('div', { class: 'muted compare-note' }, n)));
}

export async function compare() {
  const a = $('#compare-a').value;
  const b = $('#compare-b').value;
  const errorBox = $('#compare-error');
  const view = $('#compare-view');
  errorBox.classList.add('hidden');
  view.textContent = '';
  try {
    const data = await api(`/api/compare?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`);
    if (data.warning) view.append(el('div', { class: 'notice' }, data.warning));
    // How many changes stay significant once p is adjusted for the many figures, and how many chance alone gives (lab compare's line).
    if (data.chance) view.append(el('div', { class: 'notice compare-chance' }, data.chance.text));
    if (!data.tables.length) view.append(el('div', { class: 'muted' }, 'No figure in common: the runs have no steps.'));
    else {
      const grid = el('div', { class: 'grid' });
      view.append(grid);
      headlineChart(grid, data.tables[0]);
    }
    view.append(...data.tables.map(figureTable));
  } catch (err) {
    errorBox.textContent = `Cannot compare: ${err.message}`;
    errorBox.classList.remove('hidden');
  }
}
