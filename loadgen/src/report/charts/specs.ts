import type { TopLevelSpec } from 'vega-lite';
import { loadLabel } from '../../results/derived.js';
import { runOverheadModes, stepOverhead } from '../../results/overhead-modes.js';
import type { RunResults } from '../../results/types.js';
import { colourOf, REFERENCE_COLOUR } from './colours.js';

// Vega-Lite specs built from results.json alone ("keep raw data, render late"). Every chart has
// a title, axis titles with units and a legend with one colour per row (the shared table in
// dashboards/row-colours.json, as on the web page and in Grafana); the ideal line, where there
// is one, is a dashed black series named in the legend.

export interface ChartSpec {
  /** File stem: <name>.svg / <name>.png. */
  name: string;
  spec: TopLevelSpec;
}

const IDEAL = 'ideal (Little\'s law)';

interface Row {
  target: string;
  load: number;
  value: number;
}

export function chartSpecs(r: RunResults): ChartSpec[] {
  const steps = r.targets.flatMap((t) => t.steps.map((s) => ({ target: t.name, s })));
  if (steps.length === 0) return [];
  const loadAxis = loadLabel(r.load_unit);
  const loads = steps.map((x) => x.s.load).filter((l) => l > 0);
  const logX = loads.length > 0 && Math.max(...loads) / Math.min(...loads) >= 20;
  const targets = r.targets.map((t) => t.name);
  const title = (what: string) => `${what} — ${r.scenario.name} (${r.environment.cpus} CPUs, ${r.environment.runtime})`;
  const pick = (f: (x: (typeof steps)[number]) => number | null | undefined): Row[] =>
    steps.flatMap((x) => {
      const v = f(x);
      return v === null || v === undefined || !Number.isFinite(v) ? [] : [{ target: x.target, load: x.s.load, value: v }];
    });

  const charts: ChartSpec[] = [];
  const modes = runOverheadModes(r);
  if (modes.length) {
    // A pair of charts per mode: pool and spawn are different experiments, never one line. The
    // overhead charts share one y scale, so that the two can be compared by eye.
    const perMode = modes.map((mode) => ({ mode, rows: pick((x) => stepOverhead(x.s, mode)?.overhead) }));
    const all = perMode.flatMap((m) => m.rows.map((r) => r.value));
    const logY = spansDecade(perMode.flatMap((m) => m.rows));
    const yDomain: [number, number] | undefined = all.length ? [logY ? Math.min(...all.filter((v) => v > 0), 1) : 0, Math.max(...all)] : undefined;
    for (const { mode, rows } of perMode) {
      charts.push({
        name: `overhead-vs-workers-${mode}`,
        spec: lineChart(title(`Overhead vs workers, ${mode} mode`), rows, targets,
          { x: 'workers', y: 'elapsed / ideal (1 = no overhead)', logX, logY, yDomain }),
      });
    }
    for (const mode of modes) {
      charts.push({
        name: `elapsed-vs-workers-${mode}`,
        spec: lineChart(title(`Elapsed time vs workers, ${mode} mode`), pick((x) => stepOverhead(x.s, mode)?.elapsed_s), targets,
          { x: 'workers', y: 'elapsed (s)', logX, logY: true },
          dedupeByLoad(steps.flatMap((x) => {
            const o = stepOverhead(x.s, mode);
            return o ? [{ target: 'ideal (tasks × sleep / workers)', load: x.s.load, value: o.ideal_s }] : [];
          }))),
      });
    }
    return charts;
  }
  if (steps.some((x) => x.s.idle)) {
    charts.push({
      name: 'memory-per-connection',
      spec: lineChart(title('Memory per idle connection'), pick((x) => x.s.idle?.bytes_per_connection && x.s.idle.bytes_per_connection / 1024), targets,
        { x: 'idle connections', y: 'RSS per connection (KiB)', logX }),
    });
    charts.push({
      name: 'rss-vs-load',
      spec: lineChart(title('Server memory vs idle connections'), pick((x) => x.s.idle?.rss_bytes_after && x.s.idle.rss_bytes_after / 2 ** 20), targets,
        { x: 'idle connections', y: 'RSS (MiB)', logX }),
    });
    charts.push({
      name: 'threads-vs-load',
      spec: lineChart(title('OS threads vs idle connections'), pick((x) => x.s.idle?.threads_after), targets, { x: 'idle connections', y: 'OS threads', logX }),
    });
    return charts;
  }
  const ideal = dedupeByLoad(steps.flatMap((x) => (x.s.ideal_rps ? [{ target: IDEAL, load: x.s.load, value: x.s.ideal_rps }] : [])));
  charts.push({
    name: 'throughput-vs-load',
    spec: lineChart(title(`Throughput vs ${loadAxis}`), pick((x) => x.s.rps), targets, { x: loadAxis, y: 'throughput (req/s)', logX, logY: logX }, ideal),
  });
  charts.push({
    name: 'p99-vs-load',
    spec: lineChart(title(`p99 latency vs ${loadAxis}`), pick((x) => x.s.latency_ms.p99), targets, { x: loadAxis, y: 'p99 latency (ms)', logX, logY: true }),
  });
  charts.push({
    name: 'rss-vs-load',
    spec: lineChart(title(`Server memory (peak RSS) vs ${loadAxis}`), pick((x) => x.s.server.rss_bytes_peak && x.s.server.rss_bytes_peak / 2 ** 20), targets,
      { x: loadAxis, y: 'peak RSS (MiB)', logX }),
  });
  charts.push({
    name: 'threads-vs-load',
    spec: lineChart(title(`OS threads vs ${loadAxis}`), pick((x) => x.s.server.os_threads_peak), targets, { x: loadAxis, y: 'OS threads (peak)', logX }),
  });
  return charts;
}

function spansDecade(rows: Row[]): boolean {
  const v = rows.map((r) => r.value).filter((x) => x > 0);
  return v.length > 1 && Math.max(...v) / Math.min(...v) >= 10;
}

function dedupeByLoad(rows: Row[]): Row[] {
  const m = new Map<number, Row>();
  for (const r of rows) m.set(r.load, r);
  return [...m.values()].sort((a, b) => a.load - b.load);
}

interface Axes {
  x: string;
  y: string;
  logX: boolean;
  logY?: boolean;
  /** A fixed y range, for charts meant to be read side by side. */
  yDomain?: [number, number];
}

function lineChart(title: string, rows: Row[], targets: string[], axes: Axes, reference: Row[] = []): TopLevelSpec {
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
      x: { field: 'load', type: 'quantitative', title: axes.x, scale: axes.logX ? { type: 'log' } : { zero: true } },
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
