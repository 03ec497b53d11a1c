import type { TopLevelSpec } from 'vega-lite';
import type { EventRecord, TimelineSecond } from '../../model/step-timeline.js';
import type { RunResults } from '../../model/results.js';
import { eventLabel } from '../../results/timeline-findings.js';
import { colourOf } from '../../draw/colours.js';

// A step's timeline as charts: one per measure, every row of the step overlaid in its colour,
// x = seconds from the start of the measure phase (warmup left of 0), each event a vertical
// rule at the second it was applied (and a shaded band while it lasted), labelled by kind.

export interface StepTimelines {
  /** Step index (0-based) and its load, for titles and file names. */
  index: number;
  load: number;
  rows: { target: string; seconds: TimelineSecond[]; events: EventRecord[] }[];
}

export const TIMELINE_MEASURES: { key: string; title: string; value: (s: TimelineSecond) => number | null }[] = [
  { key: 'rps', title: 'right answers per second (req/s)', value: (s) => s.rps },
  { key: 'p99', title: 'p99 latency of the second (ms)', value: (s) => s.p99_ms },
  { key: 'errors', title: 'failed requests per second', value: (s) => Object.values(s.errors).reduce((a, b) => a + b, 0) / s.dur_s },
  { key: 'inflight', title: 'in-flight requests (server)', value: (s) => s.inflight },
  { key: 'threads', title: 'OS threads', value: (s) => s.threads },
  { key: 'rss', title: 'RSS (MiB)', value: (s) => (s.rss_bytes === null ? null : s.rss_bytes / 2 ** 20) },
  { key: 'cpu', title: 'server CPU (cores)', value: (s) => s.cpu },
];

export function timelineChartName(stepIndex: number, measure: string): string {
  return `timeline-step${stepIndex + 1}-${measure}`;
}

/** A step's events as marks (seconds from the measure start), in time order: the report's charts and the web page's. */
export function timelineMarks(step: StepTimelines): { t: number; end: number | null; label: string; service: string }[] {
  // One set of marks per event kind and offset: rows measured one after another had the same events.
  const marks = new Map<string, { t: number; end: number | null; label: string; service: string }>();
  for (const r of step.rows) {
    for (const e of r.events) {
      if (e.outcome !== 'ok' || e.t_s === null) continue;
      const key = `${e.index}`;
      const seen = marks.get(key);
      // `kill: target` names each row in turn: one mark, "kill (each row)".
      if (seen && seen.service !== e.service) seen.label = `${e.kind} (each row)`;
      if (!seen) marks.set(key, { t: e.at_s, end: e.for_s !== undefined ? e.at_s + e.for_s : null, label: eventLabel(e), service: e.service });
    }
  }
  return [...marks.values()].sort((a, b) => a.t - b.t);
}

export function timelineCharts(step: StepTimelines, title: (what: string) => string): { name: string; spec: TopLevelSpec }[] {
  const targets = step.rows.map((r) => r.target);
  // Labels on three staggered lines, so that events close in time stay readable.
  const rules = timelineMarks(step).map((m, i) => ({ ...m, ly: 10 + 12 * (i % 3) }));
  return TIMELINE_MEASURES.map((m) => {
    // A second without a value (no answer, no sample: a row down) breaks its line: each run of
    // valid seconds is its own segment (`detail`), in the row's colour.
    const values = step.rows.flatMap((r) => {
      let segment = 0;
      return r.seconds.flatMap((s) => {
        const v = m.value(s);
        if (v === null || !Number.isFinite(v)) { segment++; return []; }
        return [{ target: r.target, segment: `${r.target}#${segment}`, t: s.t_s, value: v }];
      });
    });
    return {
      name: timelineChartName(step.index, m.key),
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
        title: { text: title(`${m.title}, step ${step.index + 1} (load ${step.load}), per second`), fontSize: 14 },
        width: 640,
        height: 280,
        background: 'white',
        layer: [
          ...(rules.some((r) => r.end !== null) ? [{
            data: { values: rules.filter((r) => r.end !== null) },
            mark: { type: 'rect', color: '#999999', opacity: 0.15 },
            encoding: { x: { field: 't', type: 'quantitative' }, x2: { field: 'end' } },
          }] : []),
          ...(rules.length ? [{
            data: { values: rules },
            mark: { type: 'rule', color: '#333333', strokeDash: [4, 3] },
            encoding: { x: { field: 't', type: 'quantitative' } },
          }, {
            data: { values: rules },
            mark: { type: 'text', align: 'left', dx: 3, fontSize: 10, color: '#333333' },
            encoding: { x: { field: 't', type: 'quantitative' }, y: { field: 'ly', type: 'quantitative', scale: null }, text: { field: 'label' } },
          }] : []),
          {
            data: { values },
            // Points too: a second with answers between two without (a 2 s upstream answers every
            // other second) is a segment of one point, which a line alone does not draw.
            mark: { type: 'line', strokeWidth: 1.5, interpolate: 'step-after', point: { size: 10, filled: true } },
            encoding: {
              x: { field: 't', type: 'quantitative', title: 'seconds from the start of the measure phase (warmup < 0)' },
              y: { field: 'value', type: 'quantitative', title: m.title, scale: { zero: true } },
              detail: { field: 'segment', type: 'nominal' },
              color: { field: 'target', type: 'nominal', title: 'row', scale: { domain: targets, range: targets.map((t) => colourOf(t)) }, legend: { orient: 'right', labelLimit: 260 } },
            },
          },
        ],
        config: { font: 'DejaVu Sans', axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11, titleFontSize: 12 } },
      } as TopLevelSpec,
    };
  });
}

/** The steps of a run that have a timeline in any target (steps by index across targets). */
export function runTimelines(r: RunResults): StepTimelines[] {
  const n = Math.max(0, ...r.targets.map((t) => t.steps.length));
  const out: StepTimelines[] = [];
  for (let i = 0; i < n; i++) {
    const rows = r.targets.flatMap((t) => {
      const s = t.steps[i];
      return s?.timeline?.seconds.length ? [{ target: t.name, seconds: s.timeline.seconds, events: s.events ?? [] }] : [];
    });
    if (rows.length) out.push({ index: i, load: r.targets.find((t) => t.steps[i])!.steps[i]!.load, rows });
  }
  return out;
}

/** Every step's timeline charts of a run. */
export function runTimelineCharts(r: RunResults): { name: string; spec: TopLevelSpec }[] {
  const title = (what: string) => `${what} — ${r.scenario.name} (${r.environment.cpus} CPUs, ${r.environment.runtime})`;
  return runTimelines(r).flatMap((step) => timelineCharts(step, title));
}
