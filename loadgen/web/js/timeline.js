// A finished step as its timeline (results.json StepResult.timeline, events, recovery): pick a
// step, see one chart per measure with every row overlaid and the step's events as vertical
// marks, then the events and the recovery table. Seconds count from the start of the measure
// phase (warmup is left of 0), as in the report's timeline charts.
/* global uPlot */
import { AXIS } from './charts.js';
import { el } from './dom.js';
import { eventMarksPlugin } from './event-marks.js';
import { fmt } from './format.js';
import { colourOf } from './targets.js';

const MEASURES = [
  { title: 'Right answers per second', unit: 'req/s', value: (s) => s.rps },
  { title: 'p99 latency of the second', unit: 'ms', value: (s) => s.p99_ms },
  { title: 'Failed requests per second', unit: '/s', value: (s) => Object.values(s.errors).reduce((a, b) => a + b, 0) / s.dur_s },
  { title: 'In-flight requests', unit: '', value: (s) => s.inflight },
  { title: 'OS threads', unit: '', value: (s) => s.threads },
  { title: 'RSS', unit: 'MiB', value: (s) => (s.rss_bytes === null ? null : s.rss_bytes / 1048576) },
  { title: 'Server CPU', unit: 'cores', value: (s) => s.cpu },
];

const charts = [];

/** Step indexes (0-based) that have a timeline in any target. */
function stepsWithTimeline(results) {
  const n = Math.max(0, ...results.targets.map((t) => t.steps.length));
  return [...Array(n).keys()].filter((i) => results.targets.some((t) => t.steps[i]?.timeline?.seconds?.length));
}

function label(e) {
  return e.kind === 'upstream' ? `upstream ${Object.entries(e.upstream ?? {}).map(([k, v]) => `${k}=${v}`).join(' ')}` : `${e.kind}`;
}

function drawStep(results, index, box) {
  for (const c of charts.splice(0)) c.destroy();
  box.textContent = '';
  const rows = results.targets.filter((t) => t.steps[index]?.timeline).map((t) => ({ name: t.name, step: t.steps[index] }));
  const xs = [...new Set(rows.flatMap((r) => r.step.timeline.seconds.map((s) => s.t_s)))].sort((a, b) => a - b);
  const marks = [];
  for (const r of rows) for (const e of r.step.events ?? []) if (e.outcome === 'ok' && !marks.some((m) => m.index === e.index)) marks.push({ index: e.index, t: e.at_s, end: e.for_s !== undefined ? e.at_s + e.for_s : null, label: label(e) });
  const grid = el('div', { class: 'grid timeline-charts' });
  box.append(grid);
  for (const m of MEASURES) {
    const fig = el('figure', { class: 'card' }, el('figcaption', {}, m.title, m.unit ? el('span', { class: 'unit' }, m.unit) : null));
    const div = el('div', { class: 'chart' });
    fig.append(div);
    grid.append(fig);
    const data = [xs, ...rows.map((r) => {
      const byT = new Map(r.step.timeline.seconds.map((s) => [s.t_s, s]));
      return xs.map((t) => (byT.has(t) ? m.value(byT.get(t)) : null));
    })];
    charts.push(new uPlot({
      width: Math.max(320, div.clientWidth || 460),
      height: 200,
      plugins: [eventMarksPlugin(() => marks)],
      scales: { x: { time: false }, y: { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [{ ...AXIS, label: 's from measure start', labelSize: 20 }, { ...AXIS, size: 52, values: (u, vals) => vals.map(fmt.tick) }],
      series: [{ label: 's', value: (u, v) => fmt.num(v, 1) }, ...rows.map((r) => ({ label: r.name, stroke: colourOf(r.name), width: 1.5, paths: uPlot.paths.stepped({ align: 1 }), spanGaps: false }))],
    }, data, div));
    // For tests and curious users: how many values this chart is drawing.
    div.dataset.points = String(data.slice(1).reduce((n, v) => n + v.filter((x) => x !== null && x !== undefined).length, 0));
  }
  const events = rows.flatMap((r) => (r.step.events ?? []).map((e) => ({ row: r.name, e, rec: (r.step.recovery ?? []).find((x) => x.event === e.index) })));
  if (events.length) {
    box.append(el('table', { class: 'table timeline-events' },
      el('thead', {}, el('tr', {}, ['row', 'event', 'at', 'applied', 'outcome', 'downtime', 'req/s before', 'back after', 'failed meanwhile', 'peak threads', 'peak RSS', 'peak in-flight'].map((h) => el('th', {}, h)))),
      el('tbody', {}, events.map(({ row, e, rec }) => el('tr', {},
        el('td', {}, el('span', { class: 'swatch', style: `background:${colourOf(row)}` }), ' ', row),
        el('td', { title: e.message }, `${label(e)}${e.kind === 'upstream' ? '' : ` ${e.service}`}${e.for_s !== undefined ? ` for ${e.for_s} s` : ''}`),
        el('td', { class: 'num' }, `${e.at_s} s`),
        el('td', { class: 'num' }, e.t_s === null ? '–' : `${e.t_s.toFixed(2)} s`),
        el('td', { class: e.outcome === 'ok' ? '' : 'down-val', title: e.message }, e.outcome),
        el('td', { class: 'num' }, e.downtime_s == null ? '–' : `${e.downtime_s.toFixed(2)} s`),
        el('td', { class: 'num' }, fmt.num(rec?.baseline_rps, 1)),
        el('td', { class: 'num' }, rec ? (rec.recovered ? `${rec.recovery_s.toFixed(1)} s` : 'not back') : '–'),
        el('td', { class: 'num' }, fmt.num(rec?.failed_requests)),
        el('td', { class: 'num' }, fmt.num(rec?.peak_threads)),
        el('td', { class: 'num' }, fmt.bytes(rec?.peak_rss_bytes)),
        el('td', { class: 'num' }, fmt.num(rec?.peak_inflight)))))));
  }
  const life = rows.flatMap((r) => (r.step.supervision ?? []).map((l) => `${new Date(l.at_ms).toISOString().slice(11, 23)} ${l.service} ${l.kind}: ${l.message}`));
  if (life.length) box.append(el('div', { class: 'muted' }, 'Supervision:'), el('ul', { class: 'muted timeline-supervision' }, life.map((l) => el('li', {}, l))));
}

/** The Timeline section of a result, or nothing when no step has one (results before schema 2). */
export function timelineView(results) {
  for (const c of charts.splice(0)) c.destroy();
  const steps = stepsWithTimeline(results);
  if (!steps.length) return null;
  const box = el('div', { class: 'timeline-step' });
  const loadOf = (i) => results.targets.find((t) => t.steps[i])?.steps[i]?.load;
  const select = el('select', { id: 'timeline-step', onchange: (ev) => drawStep(results, Number(ev.target.value), box) },
    steps.map((i) => el('option', { value: String(i) }, `step ${i + 1} (load ${loadOf(i)})`)));
  const section = el('section', { id: 'timeline' }, el('h3', { style: 'margin-top:16px' }, 'Timeline per second ', select), box);
  // Drawn once the section is in the page (uPlot sizes itself from its container).
  requestAnimationFrame(() => drawStep(results, steps[0], box));
  return section;
}
