import { colourOf } from '../draw/colours.js';
import type { RunResults } from '../model/results.js';
import { runTimelines, timelineMarks, TIMELINE_MEASURES } from './charts/timeline.js';

// A run's 1-second timelines for the web page: per step, one chart per measure with every row
// overlaid, and the step's events as marks; the same measures and marks as the report's
// timeline charts (report/charts/timeline.ts), so the page computes none of them.

export interface WebTimeline {
  index: number;
  load: number;
  marks: { t: number; end: number | null; label: string }[];
  measures: { key: string; title: string; xs: number[]; series: { label: string; colour: string; values: (number | null)[] }[] }[];
}

export function webTimelines(r: RunResults): WebTimeline[] {
  return runTimelines(r).map((step) => {
    const xs = [...new Set(step.rows.flatMap((row) => row.seconds.map((s) => s.t_s)))].sort((a, b) => a - b);
    return {
      index: step.index,
      load: step.load,
      marks: timelineMarks(step).map(({ t, end, label }) => ({ t, end, label })),
      measures: TIMELINE_MEASURES.map((m) => ({
        key: m.key,
        title: m.title,
        xs,
        series: step.rows.map((row) => {
          const byT = new Map(row.seconds.map((s) => [s.t_s, s]));
          return {
            label: row.target,
            colour: colourOf(row.target),
            values: xs.map((t) => {
              const s = byT.get(t);
              const v = s ? m.value(s) : null;
              return v === null || !Number.isFinite(v) ? null : v;
            }),
          };
        }),
      })),
    };
  });
}
