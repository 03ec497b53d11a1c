// The Compare tab: two runs side by side, throughput per load (A solid, B dashed) and per step.
import { api } from './api.js';
import { loadChart } from './charts.js';
import { $, el } from './dom.js';
import { fmt } from './format.js';
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

export async function compare() {
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
