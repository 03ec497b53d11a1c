import { ownerView } from '../../executors/registry.js';
import type { ChartSpec } from '../../executors/common/view.js';
import type { RunResults } from '../../model/results.js';
import { runTimelineCharts } from './timeline.js';

// A run's charts are its owner view's (executors/common/view.ts charts): the view whose key the run's
// steps have (overhead, idle connections), else the load view. Each builds Vega-Lite specs from
// results.json alone with draw/line-chart.ts.

export type { ChartSpec };

export function chartSpecs(r: RunResults): ChartSpec[] {
  const steps = r.targets.flatMap((t) => t.steps);
  if (steps.length === 0) return [];
  // Every step's 1-second timeline (schema 2) after the owner's charts, whatever the executor.
  return [...(ownerView(steps).charts?.(r) ?? []), ...runTimelineCharts(r)];
}
