import type { TopLevelSpec } from 'vega-lite';
import { loadLabel } from '../model/derived.js';
import type { RunResults, StepResult } from '../model/results.js';
import { colourOf, REFERENCE_COLOUR } from './colours.js';

// The one chart shape of the report (Vega-Lite, built from results.json alone: "keep raw data,
// render late"): a line per row against the step's load. Every chart has a title, axis titles
// with units and a legend with one colour per row (dashboards/row-colours.json, as on the web
// page and in Grafana); a reference series (the ideal line) is dashed black and named in the legend.

export interface Row {
  target: string;
  load: number;
  value: number;
}

export interface Axes {
  x: string;
  y: string;
  logX: boolean;
  logY?: boolean;
  /** A fixed y range, for charts meant to be read side by side. */
  yDomain?: [number, number];
}

/** What every chart of a run shares: its steps, load axis, log scale, rows and title. */
export interface ChartFrame {
  steps: { target: string; s: StepResult }[];
  loadAxis: string;
  logX: boolean;
  targets: string[];
  title(what: string): string;
  /** One point per step with a finite value. */
  pick(f: (x: { target: string; s: StepResult }) => number | null | undefined): Row[];
}

export function chartFrame(r: RunResults): ChartFrame {
  const steps = r.targets.flatMap((t) => t.steps.map((s) => ({ target: t.name, s })));
  const loads = steps.map((x) => x.s.load).filter((l) => l > 0);
  return {
    steps,
    loadAxis: loadLabel(r.load_unit),
    logX: loads.length > 0 && Math.max(...loads) / Math.min(...loads) >= 20,
    targets: r.targets.map((t) => t.name),
    title: (what) => `${what} — ${r.scenario.name} (${r.environment.cpus} CPUs, ${r.environment.runtime})`,
    pick: (f) => steps.flatMap((x) => {
      const v = f(x);
      return v === null || v === undefined || !Number.isFinite(v) ? [] : [{ target: x.target, load: x.s.load, value: v }];
    }),
  };
}

export function spansDecade(rows: Row[]): boolean {
  const v = rows.map((r) => r.value).filter((x) => x > 0);
  return v.length > 1 && Math.max(...v) / Math.min(...v) >= 10;
}

export function dedupeByLoad(rows: Row[]): Row[] {
  const m = new Map<number, Row>();
  for (const r of rows) m.set(r.load, r);
  return [...m.values()].sort((a, b) => a.load - b.load);
}

export function lineChart(title: string, rows: Row[], targets: string[], axes: Axes, reference: Row[] = []): TopLevelSpec {
  const refName = reference[0]?.target;
  const domain = [...targets, ...(refName ? [refName] : [])];
  const range = [...targets.map((t) => colourOf(t)), ...(refName ? [REFERENCE_COLOUR] : [])];
  // A log axis cannot show 0; those points are dropped rather than breaking the chart.
  const values = [...rows, ...reference].filter((r) => (!axes.logX || r.load > 0) && (!axes.logY || r.value > 0));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: title, fontSize: 14 },
    width: 560,
    height: 320,
    background: 'white',
    data: { values },
    mark: { type: 'line', point: true, strokeWidth: 2 },
    encoding: {
      // A log axis spans the steps, not the powers of ten around them (a tour's 50..1000 workers drew from 10).
      x: { field: 'load', type: 'quantitative', title: axes.x, scale: axes.logX ? { type: 'log', nice: false } : { zero: true } },
      y: { field: 'value', type: 'quantitative', title: axes.y, scale: { ...(axes.logY ? { type: 'log' } : { zero: true }), ...(axes.yDomain ? { domain: axes.yDomain, nice: true } : {}) } },
      color: { field: 'target', type: 'nominal', title: 'row', scale: { domain, range }, legend: { orient: 'right', labelLimit: 260 } },
      strokeDash: {
        condition: { test: `datum.target === ${JSON.stringify(refName ?? '\u0000')}`, value: [6, 4] },
        value: [1, 0],
      },
    },
    config: { font: 'DejaVu Sans', axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11, titleFontSize: 12 } },
  } as TopLevelSpec;
}
