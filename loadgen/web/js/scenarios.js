// The Scenarios tab: which rows to run against, the scenario table and its Start buttons.
import { api } from './api.js';
import { $, el } from './dom.js';
import { pollRun, renderRunState, updateRunButtons } from './runs.js';
import { colourOf, targets } from './targets.js';

export function renderTargetChecks() {
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

export async function loadScenarios() {
  const { scenarios: list } = await api('/api/scenarios');
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
