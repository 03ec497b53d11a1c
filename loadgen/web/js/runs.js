// The current run (/api/runs/current), polled every second: its status card with progress and
// finished steps on the Scenarios tab, and the banner on the Live tab.
import { api } from './api.js';
import { $, el } from './dom.js';
import { fmt } from './format.js';
import { loadResultList } from './results.js';
import { colourOf } from './targets.js';

let lastRunState = null;

export function updateRunButtons() {
  const running = lastRunState?.status === 'running';
  // Buttons stay clickable while a run is on: the server's 409 says why a second one is refused.
  for (const b of document.querySelectorAll('button.start')) b.title = running ? 'a run is in progress' : '';
}

/** A human line for one runScenario progress event (loadgen/src/scenario-run/run-scenario.ts RunProgress). */
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
    el('li', {}, el('span', { class: 'swatch', style: `background:${colourOf(e.target)}` }), ` ${e.target} · load ${fmt.num(e.step)}`, ...(e.figures ?? []).map((f) => ` · ${f.text}`)));
}

export function renderRunState(state) {
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

export async function pollRun() {
  try {
    const state = await api('/api/runs/current');
    const wasRunning = lastRunState?.status === 'running';
    renderRunState(state);
    if (wasRunning && state.status !== 'running') loadResultList();
  } catch (err) {
    console.warn('run poll failed', err);
  }
}
