import type { Figure } from '../model/figures.js';
import type { FigureInterval, RunResults, StepResult } from '../model/results.js';
import { stepFigures } from '../executors/registry.js';
import { table } from '../draw/markdown.js';
import { formatFigure } from './figure-format.js';

// The tables of docs/results.md, written from a published run's results.json (issue 18: README
// results generated from committed data, every figure with its interval). One table per figure
// key: a line per row, a column per step, each cell the median with its 95% interval and n, or
// the single value and "n=1" for runs that predate trials. scripts/generate/published.mjs puts
// them between `<!-- generated:published <run folder> <figure key> begin/end -->` markers.

/** A figure's cell: `median [lo, hi] (n)`, or the one value with `(n=1)` when the step had one trial. */
export function figureCell(step: StepResult, figure: Figure): string {
  const i: FigureInterval | undefined = step.intervals?.[figure.key];
  if (i && i.n >= 2) return `${short(i.median, figure.unit)} [${short(i.lo, figure.unit)}, ${short(i.hi, figure.unit)}] (${i.n})`;
  return figure.value === null ? '-' : `${short(figure.value, figure.unit)} (n=1)`;
}

/** Shorter than formatFigure where a table has many cells: req/s and bytes without decimals. */
function short(v: number, unit: string): string {
  if (unit === 'req/s' || unit === 'req/CPU-s') return Math.round(v).toString();
  if (unit === 'bytes') return `${(v / 1024).toFixed(1)} KiB`;
  return formatFigure(v, unit);
}

/** The figure `key` of a step, or undefined when the step does not publish it. */
function figureOf(step: StepResult, key: string): Figure | undefined {
  return stepFigures(step).find((f) => f.key === key);
}

/**
 * The Markdown table of one figure over a run: rows in the run's order, steps as columns.
 * Throws when no step of the run publishes the figure (a marker naming a wrong key).
 */
export function publishedTable(r: RunResults, key: string): string[] {
  const loads = [...new Set(r.targets.flatMap((t) => t.steps.map((s) => s.load)))].sort((a, b) => a - b);
  const any = r.targets.flatMap((t) => t.steps).map((s) => figureOf(s, key)).find((f) => f !== undefined);
  if (!any) throw new Error(`no step of ${r.scenario.name} publishes the figure ${key}`);
  const rows = r.targets.map((t) => [
    t.name,
    ...loads.map((load) => {
      const step = t.steps.find((s) => s.load === load);
      const figure = step && figureOf(step, key);
      return step && figure ? figureCell(step, figure) : '-';
    }),
  ]);
  const caption = `${any.label} (${any.unit}), a column per step (${r.load_unit}): median [interval] (trials); below 6 trials the interval is min..max (75% coverage at 3)`;
  return [`_${caption}_`, '', ...table(['row', ...loads.map(String)], rows)];
}
