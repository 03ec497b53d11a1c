import { ownerView } from '../../executors/registry.js';
import type { ChartSpec } from '../../executors/view.js';
import type { RunResults } from '../../results/types.js';

// A run's charts are its owner view's (executors/view.ts charts): the view whose key the run's
// steps have (overhead, idle connections), else the load view. Each builds Vega-Lite specs from
// results.json alone with report/charts/line-chart.ts.

export type { ChartSpec };

export function chartSpecs(r: RunResults): ChartSpec[] {
  const steps = r.targets.flatMap((t) => t.steps);
  if (steps.length === 0) return [];
  return ownerView(steps).charts?.(r) ?? [];
}
