import type { ChartSpec } from '../executors/common/view.js';
import { REFERENCE_COLOUR } from '../draw/colours.js';

// The web page's charts of a result are the report's (the owner view's charts(), built with
// draw/line-chart.ts): each Vega-Lite spec's data, handed over as series per row against the
// load, so the page draws the same numbers with uPlot and knows nothing of executors.

export interface WebSeries {
  label: string;
  colour: string;
  /** The reference line (the Little's-law ideal): drawn dashed. */
  reference: boolean;
  /** One value per load of the chart (null where the row has no point). */
  values: (number | null)[];
}

export interface WebChart {
  name: string;
  title: string;
  x: string;
  y: string;
  logX: boolean;
  loads: number[];
  series: WebSeries[];
}

interface LineSpec {
  title: { text: string };
  data: { values: { target: string; load: number; value: number }[] };
  encoding: {
    x: { title: string; scale?: { type?: string } };
    y: { title: string };
    color: { scale: { domain: string[]; range: string[] } };
  };
}

/** A draw/line-chart.ts spec as series by load. */
export function webChart({ name, spec }: ChartSpec): WebChart {
  const s = spec as unknown as LineSpec;
  const loads = [...new Set(s.data.values.map((v) => v.load))].sort((a, b) => a - b);
  const { domain, range } = s.encoding.color.scale;
  const series = domain.map((label, i) => {
    const byLoad = new Map(s.data.values.filter((v) => v.target === label).map((v) => [v.load, v.value]));
    return { label, colour: range[i]!, reference: range[i] === REFERENCE_COLOUR, values: loads.map((l) => byLoad.get(l) ?? null) };
  });
  // The report's title names the run after a dash; the page shows the run above its charts.
  return { name, title: s.title.text.split(' — ')[0]!, x: s.encoding.x.title, y: s.encoding.y.title, logX: s.encoding.x.scale?.type === 'log', loads, series };
}
