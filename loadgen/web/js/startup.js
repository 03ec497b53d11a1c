// The start-up panel (Live tab): while `lab up` starts and verifies the rows, each row's state
// from /api/lab (starting, answering, verifying with its checks so far, ready, failed with the
// failing check and its URL, unavailable with the install command) and the default run's
// progress. `lab up` serves the page before it starts anything, so this is what a first
// visitor sees; it folds away once every row is ready.
import { api } from './api.js';
import { $, el } from './dom.js';
import { colourOf } from './targets.js';

const STATE_TEXT = { starting: 'starting', started: 'answering', verifying: 'verifying', ready: 'ready', failed: 'failed', unavailable: 'unavailable' };
let lastKey = '';
let firstPhase = null;
let folded = false;
let lastRunStatus = null;

const secondsSince = (at, now) => Math.max(0, Math.round((now - at) / 1000));
const stateSince = (row) => row.history[row.history.length - 1]?.at ?? 0;

function checkCounts(row) {
  const n = { pass: 0, warn: 0, fail: 0 };
  for (const c of row.checks) n[c.status]++;
  return n;
}

function verifyDuration(row) {
  const from = row.history.find((h) => h.state === 'verifying')?.at;
  const to = row.history.find((h) => h.state === 'ready' || h.state === 'failed')?.at;
  return from && to ? `${((to - from) / 1000).toFixed(1)} s` : '';
}

function detail(row, now) {
  const n = checkCounts(row);
  switch (row.state) {
    case 'starting':
      return el('span', { class: 'muted' }, `waiting for /healthz · ${secondsSince(stateSince(row), now)} s`);
    case 'started':
      return el('span', { class: 'muted' }, row.role === 'upstream' ? 'answering' : 'answering /healthz; its verify comes next');
    case 'verifying': {
      const expected = row.checks_expected;
      const frac = expected ? Math.min(1, row.checks.length / expected) : null;
      const last = row.checks[row.checks.length - 1];
      return el('div', {},
        el('div', {}, `${n.pass} passed${n.warn ? `, ${n.warn} warned` : ''}${n.fail ? `, ${n.fail} failed` : ''}${expected ? ` of about ${expected}` : ''}`,
          last ? el('span', { class: 'muted' }, ` · last: ${last.check}`) : null),
        frac === null ? null : el('div', { class: 'progress small' }, el('div', { style: `width:${Math.round(frac * 100)}%` })),
        el('div', { class: 'chips' }, row.checks.map((c) => el('span', { class: `chip ${c.status}`, title: `${c.check}: ${c.message}` }, c.check))));
    }
    case 'ready':
      if (row.role === 'upstream') return el('span', { class: 'muted' }, row.http_url ? `answering at ${row.http_url}` : 'answering');
      return el('span', {}, `${n.pass} checks passed${n.warn ? `, ${n.warn} warned` : ''}`, el('span', { class: 'muted' }, ` · verified in ${verifyDuration(row)}`));
    case 'failed': {
      const p = row.problem ?? { message: 'failed' };
      return el('div', { class: 'problem' },
        el('div', {}, p.check ? el('b', {}, `${p.check}: `) : null, p.message),
        p.url ? el('div', {}, 'at ', /^https?:/.test(p.url) ? el('a', { href: p.url, target: '_blank', rel: 'noopener' }, p.url) : el('code', {}, p.url)) : null);
    }
    case 'unavailable': {
      const p = row.problem ?? { message: 'unavailable' };
      return el('div', { class: 'problem' }, el('div', {}, p.message), p.hint ? el('div', {}, 'install: ', el('code', { class: 'hint' }, p.hint)) : null);
    }
    default:
      return '';
  }
}

function headline(lab, now) {
  const rows = lab.rows.filter((r) => r.role !== 'upstream');
  const count = (s) => rows.filter((r) => r.state === s).length;
  if (lab.phase === 'failed') return `The lab did not start: ${lab.error ?? 'unknown error'}`;
  if (lab.phase === 'starting') return `Starting the lab: ${lab.rows.filter((r) => r.state !== 'starting').length} of ${lab.rows.length} services up · ${secondsSince(lab.started_at, now)} s`;
  if (lab.phase === 'verifying') return `Verifying the rows: ${count('ready')} of ${rows.length - count('unavailable')} ready · ${secondsSince(lab.verify_started_at, now)} s`;
  const took = lab.verify_finished_at && lab.verify_started_at ? ` in ${Math.round((lab.verify_finished_at - lab.verify_started_at) / 1000)} s` : '';
  const extra = [count('failed') ? `${count('failed')} failed verify` : '', count('unavailable') ? `${count('unavailable')} unavailable` : ''].filter(Boolean);
  return `Lab ready: ${count('ready')} rows verified${took}${extra.length ? ` · ${extra.join(' · ')}` : ''}`;
}

/** The default run: waiting for verify, its progress (a tour: its part and the whole tour's share), or where its Findings are. */
function autorunLine(lab) {
  const a = lab.autorun;
  if (!a) return el('div', { class: 'muted' }, 'No default run (--no-autorun or LAB_AUTORUN=0): start one from Scenarios.');
  if (a.state === 'waiting') return el('div', {}, `Default run: ${a.scenario} starts once verify is done.`);
  if (a.state === 'skipped') return el('div', { class: 'bad' }, `Default run not started: ${a.reason}`);
  const run = lab.run;
  if (!run) return el('div', {}, `Default run: ${a.scenario}`);
  if (run.status === 'running') {
    const p = run.progress ?? {};
    const tour = p.tour;
    const where = [tour ? `part ${tour.part + 1}/${tour.parts}: ${tour.part_name}` : null, p.target ? `${p.target}${p.targetTotal > 1 ? ` (${p.targetIndex + 1}/${p.targetTotal})` : ''}` : null,
      p.total ? `step ${p.index + 1}/${p.total}` : null, p.phase].filter(Boolean).join(' · ');
    const frac = tour ? tour.fraction : null;
    return el('div', {},
      el('div', {}, `Default run: ${run.scenario} · `, el('span', { class: 'status-running' }, 'running'), where ? ` · ${where}` : '', frac === null ? '' : ` · ${Math.round(frac * 100)}%`),
      frac === null ? null : el('div', { class: 'progress' }, el('div', { style: `width:${Math.round(frac * 100)}%` })));
  }
  return el('div', {}, `Default run: ${run.scenario} · `, el('span', { class: `status-${run.status}` }, run.status),
    run.error ? ` · ${run.error}` : '',
    run.result_id ? el('a', { class: 'btn open-findings', href: `#results/${encodeURIComponent(run.result_id)}` }, 'Open its Findings') : null);
}

function render(lab) {
  const box = $('#startup');
  if (!lab.rows?.length) { box.classList.add('hidden'); return; }
  const now = lab.now ?? Date.now();
  firstPhase ??= lab.phase;
  box.classList.remove('hidden');
  box.dataset.phase = lab.phase;
  // What the first answer said: a test reads it to know the page answered before verify was done.
  box.dataset.firstPhase = firstPhase;
  $('#startup-head').textContent = headline(lab, now);
  const body = $('#startup-rows tbody');
  body.textContent = '';
  for (const row of lab.rows) {
    body.append(el('tr', { 'data-row': row.name, 'data-state': row.state },
      el('td', { class: 'name' }, el('span', { class: 'swatch', style: `background:${colourOf(row.name)}` }), ` ${row.name}`),
      el('td', { class: 'muted' }, row.model),
      el('td', {}, el('span', { class: `state state-${row.state}` }, STATE_TEXT[row.state] ?? row.state)),
      el('td', { class: 'detail' }, detail(row, now))));
  }
  const details = $('#startup-details');
  // Fold the table away once, when every row made it; a failed or unavailable row keeps it open.
  if (lab.phase === 'ready' && !folded) {
    folded = true;
    if (lab.rows.every((r) => r.state === 'ready')) details.open = false;
  }
  const auto = $('#startup-autorun');
  auto.textContent = '';
  auto.append(autorunLine(lab));
}

/**
 * Polls /api/lab (twice a second while the lab starts, every 2 s while the default run runs),
 * calls onRows when a row's state changes (the running targets changed) and onDefaultRunDone
 * with the run's result id when the default run finishes.
 */
export function startStartupPanel({ onRows, onDefaultRunDone }) {
  const tick = async () => {
    let delay = 10_000;
    try {
      const lab = await api('/api/lab');
      render(lab);
      const key = (lab.rows ?? []).map((r) => `${r.name}:${r.state}`).join(',');
      if (key !== lastKey) { lastKey = key; onRows(); }
      const status = lab.run?.status ?? null;
      if (lastRunStatus === 'running' && status && status !== 'running' && lab.run.result_id) onDefaultRunDone(lab.run.result_id);
      lastRunStatus = status;
      if (lab.phase === 'starting' || lab.phase === 'verifying') delay = 500;
      else if (status === 'running' || lab.autorun?.state === 'waiting') delay = 2000;
    } catch (err) {
      console.warn('start-up poll failed', err);
      delay = 2000;
    }
    setTimeout(tick, delay);
  };
  return tick();
}
