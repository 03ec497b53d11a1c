import { compare, parseThreshold, type Threshold } from '../model/thresholds.js';
import { formatMs } from '../core/units.js';
import { measuresRequests } from '../executors/registry.js';
import { errorPercent } from '../model/derived.js';
import type { RunResults, StepResult } from '../model/results.js';

export interface ThresholdCheck {
  threshold: string;
  passed: boolean;
  /** Steps that broke it, e.g. `python-threads @ 1000: p99 = 2.41s`. */
  failures: string[];
  /** Steps where the metric does not apply (idle, overhead) are skipped, not passed. */
  checked: number;
}

/** Each threshold against every measured step of every target. */
export function evaluateThresholds(results: RunResults, thresholds?: Threshold[]): ThresholdCheck[] {
  const list = thresholds ?? ((results.scenario.thresholds as string[] | undefined) ?? []).map((t) => parseThreshold(t)).filter((t): t is Threshold => typeof t !== 'string');
  return list.map((t) => {
    const failures: string[] = [];
    let checked = 0;
    for (const target of results.targets) {
      for (const step of target.steps) {
        const actual = metricOf(step, t);
        if (actual === null) continue;
        checked++;
        if (!compare(actual, t.op, t.value)) failures.push(`${target.name} @ ${step.load}: ${t.metric} = ${show(t, actual)}`);
      }
    }
    return { threshold: t.source, passed: failures.length === 0, failures, checked };
  });
}

function metricOf(step: StepResult, t: Threshold): number | null {
  if (!measuresRequests(step)) return null;
  if (t.metric === 'errors') return errorPercent(step);
  if (t.metric === 'rps') return step.rps;
  return step.latency_ms[t.metric];
}

function show(t: Threshold, v: number): string {
  if (t.metric === 'errors') return `${v.toFixed(2)}%`;
  if (t.metric === 'rps') return v.toFixed(1);
  return formatMs(v);
}
