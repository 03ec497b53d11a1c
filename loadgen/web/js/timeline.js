// A finished step as its timeline: pick a step, see one chart per measure with every row overlaid
// and the step's events as vertical marks. The measures, series and marks are the server's
// (GET /api/results/<id> `view.timelines`, the report's timeline charts' own); the events and
// recovery table is summary.md's, among the run's sections. Seconds count from the start of the
// measure phase (warmup is left of 0).
/* global uPlot */
import { AXIS } from './charts.js';
import { el } from './dom.js';
import { eventMarksPlugin } from './event-marks.js';
import { fmt } from './format.js';

const charts = [];

function drawStep(step, box) {
  for (const c of charts.splice(0)) c.destroy();
  box.textContent = '';
  const grid = el('div', { class: 'grid timeline-charts' });
  box.append(grid);
  for (const m of step.measures) {
    const fig = el('figure', { class: 'card' }, el('figcaption', {}, m.title));
    const div = el('div', { class: 'chart' });
    fig.append(div);
    grid.append(fig);
    const data = [m.xs, ...m.series.map((s) => s.values)];
    charts.push(new uPlot({
      width: Math.max(320, div.clientWidth || 460),
      height: 200,
      plugins: [eventMarksPlugin(() => step.marks)],
      scales: { x: { time: false }, y: { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [{ ...AXIS, label: 's from measure start', labelSize: 20 }, { ...AXIS, size: 52, values: (u, vals) => vals.map(fmt.tick) }],
      series: [{ label: 's', value: (u, v) => fmt.num(v, 1) }, ...m.series.map((s) => ({ label: s.label, stroke: s.colour, width: 1.5, paths: uPlot.paths.stepped({ align: 1 }), spanGaps: false }))],
    }, data, div));
    // For tests and curious users: how many values this chart is drawing.
    div.dataset.points = String(m.series.reduce((n, s) => n + s.values.filter((x) => x !== null).length, 0));
  }
}

/** The Timeline section of a result, or nothing when no step has one (results before schema 2). */
export function timelineView(timelines) {
  for (const c of charts.splice(0)) c.destroy();
  if (!timelines.length) return null;
  const box = el('div', { class: 'timeline-step' });
  const select = el('select', { id: 'timeline-step', onchange: (ev) => drawStep(timelines[Number(ev.target.value)], box) },
    timelines.map((t, i) => el('option', { value: String(i) }, `step ${t.index + 1} (load ${t.load})`)));
  const section = el('section', { id: 'timeline' }, el('h3', { style: 'margin-top:16px' }, 'Timeline per second ', select), box);
  // Drawn once the section is in the page (uPlot sizes itself from its container).
  requestAnimationFrame(() => drawStep(timelines[0], box));
  return section;
}
