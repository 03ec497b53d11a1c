import { connectionsSweep } from './connections-sweep/executor.js';
import { crossCheck } from './cross-check/plugin.js';
import { headOfLine } from './head-of-line/executor.js';
import { idleConnections } from './idle-connections/executor.js';
import { lineSweep } from './line-sweep/executor.js';
import { overhead } from './overhead/executor.js';
import { rateSweep } from './rate-sweep/executor.js';
import type { Executor, ScenarioPart, StepPlugin } from './common/executor.js';
import type { StepResult } from '../model/results.js';
import type { Figure, ResultView } from './common/view.js';

// The one list of executor and step plugin names: adding an executor is its folder
// (executors/<name>/) and one line here (plus its import). The scenario schema and validation, the run
// loop, the report (CSV, summary.md, charts, findings), `lab run`'s table and the web page's
// /api/executors read them here; nothing else names an executor or the keys it writes.

export const executors = {
  'connections-sweep': connectionsSweep,
  'rate-sweep': rateSweep,
  'line-sweep': lineSweep,
  'idle-connections': idleConnections,
  overhead,
  'head-of-line': headOfLine,
} satisfies Record<string, Executor>;

/** Step options that ride on executors (Executor.stepPlugins), keyed by their scenario key. */
export const stepPlugins = {
  cross_check: crossCheck,
} satisfies Record<string, StepPlugin>;

export type ExecutorName = keyof typeof executors;

export type StepPluginName = keyof typeof stepPlugins;

export const EXECUTOR_NAMES = Object.keys(executors) as ExecutorName[];

export function isExecutorName(name: unknown): name is ExecutorName {
  return typeof name === 'string' && Object.hasOwn(executors, name);
}

/** The executor of a validated scenario (scenario/validate.ts checked its name). */
export function executorFor(name: string): Executor {
  return executors[name as ExecutorName] as Executor;
}

export const STEP_PLUGINS: StepPlugin[] = Object.values(stepPlugins);

/** Every executor and step plugin: the scenario keys they own. */
export const SCENARIO_PARTS: (ScenarioPart & { name: string })[] = [...Object.values(executors), ...STEP_PLUGINS];

/**
 * Every result view once (the three sweeps share one), in the order of their CSV columns and
 * summary sections: executors in registry order, then step plugins.
 */
export const RESULT_VIEWS: readonly ResultView[] = [...new Set(SCENARIO_PARTS.map((p) => p.view))];

/** The views of executors (each draws the runs it owns) and of step plugins (they ride on request-load steps). */
export const EXECUTOR_VIEWS: readonly ResultView[] = [...new Set(Object.values(executors).map((e: Executor) => e.view))];
export const PLUGIN_VIEWS: readonly ResultView[] = STEP_PLUGINS.map((p) => p.view);

/** The default view: the one that owns no key (the request-load executors'). */
export const DEFAULT_VIEW: ResultView = RESULT_VIEWS.find((v) => !v.owns)!;

/** The view that draws these steps: the first whose key one of them has, else the default. */
export function ownerView(steps: readonly StepResult[]): ResultView {
  return RESULT_VIEWS.find((v) => v.owns && steps.some((s) => v.owns!(s))) ?? DEFAULT_VIEW;
}

/** Steps that put request load (no view that sends none owns them) and got answers, by load. */
export function requestSteps<T extends StepResult>(steps: readonly T[]): T[] {
  return steps.filter((s) => s.requests > 0 && measuresRequests(s)).sort((a, b) => a.load - b.load);
}

/** false for a step owned by a view whose steps send no requests (idle connections, overhead experiments). */
export function measuresRequests(step: StepResult): boolean {
  return !RESULT_VIEWS.some((v) => !v.measuresRequests && v.owns?.(step));
}

/**
 * Every figure a step publishes (ResultView.figures), each view's in RESULT_VIEWS order; the load
 * view's only for steps that put request load. Keys are unique within a step.
 */
export function stepFigures(step: StepResult): Figure[] {
  const asksRequests = measuresRequests(step);
  return RESULT_VIEWS.flatMap((v) => (v === DEFAULT_VIEW && !asksRequests ? [] : v.figures(step)));
}

/** What the web page needs to know (GET /api/executors): names, load units and which view draws each. */
export function describeExecutors() {
  return {
    executors: Object.values(executors).map((e: Executor) => ({ name: e.name, load_unit: e.loadUnit, protocol: e.protocol, view: e.view.name, step_plugins: e.stepPlugins ?? [] })),
    step_plugins: STEP_PLUGINS.map((p) => ({ name: p.name, view: p.view.name })),
    /** Every view once, in the order their columns appear. */
    views: RESULT_VIEWS.map((v) => ({ name: v.name, result_keys: v.resultKeys, default: v === DEFAULT_VIEW })),
  };
}
