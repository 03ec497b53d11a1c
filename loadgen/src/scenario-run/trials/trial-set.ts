import { summarize, type Figures } from '../../core/stats/index.js';
import { stepFigures } from '../../executors/registry.js';
import type { FigureInterval, StepResult, TrialRecord } from '../../model/results.js';

// The trials of one (target, step) and the step results.json publishes from them (issue 18):
// every trial's figures (step.trials), each figure's median and 95% interval (step.intervals),
// and as the step's own keys those of one real trial, the representative: the trial whose key
// figure (the first its views publish: rps, overhead.<first mode>, idle.bytes_per_connection)
// is the median, the lower middle one for an even count. A real trial keeps the step's figures
// consistent with each other (its p99 goes with its rps), which medians per figure would not.

export class TrialSet {
  private readonly steps: StepResult[] = [];
  private readonly records: TrialRecord[] = [];
  private started: Date[] = [];
  /** The step as last published (publish()): the object the target's steps hold. */
  publishedStep: StepResult | undefined;

  /** Adds one trial; publish() after it (and again once its timeline ended: replaceLast). */
  add(step: StepResult, startedAt: Date): void {
    this.steps.push(step);
    this.started.push(startedAt);
    this.records.push(recordOf(step, startedAt));
    this.publishedStep = this.published();
  }

  /** The last trial's step again, now complete (its timeline, events and recovery added). */
  replaceLast(step: StepResult): void {
    const i = this.steps.length - 1;
    this.steps[i] = step;
    this.records[i] = recordOf(step, this.started[i]!);
    this.publishedStep = this.published();
  }

  /** The last trial's figures that have a value, for the rounds' stopping rule. */
  get lastFigures(): Figures {
    const last = this.records[this.records.length - 1];
    return Object.fromEntries(Object.entries(last?.figures ?? {}).filter((e): e is [string, number] => e[1] !== null));
  }

  get count(): number {
    return this.records.length;
  }

  /** The step as published: the representative trial's keys, plus trials, intervals and busy_machine. */
  published(): StepResult {
    const rep = this.representative();
    const { trials: _t, intervals: _i, representative_trial: _r, ...own } = this.steps[rep]!;
    return {
      ...own,
      trials: this.records,
      representative_trial: rep,
      intervals: intervalsOf(this.records),
      busy_machine: this.records.some((t) => t.noise?.busy_machine === true),
    };
  }

  /** Index of the trial whose key figure is the median (the first trial when no trial has one). */
  representative(): number {
    const key = stepFigures(this.steps[0]!)[0]?.key;
    const valued = this.records.map((r, i) => ({ i, v: key === undefined ? null : r.figures[key] ?? null })).filter((x): x is { i: number; v: number } => x.v !== null);
    if (valued.length === 0) return 0;
    const byValue = [...valued].sort((a, b) => a.v - b.v || a.i - b.i);
    return byValue[Math.floor((byValue.length - 1) / 2)]!.i;
  }
}

function recordOf(step: StepResult, startedAt: Date): TrialRecord {
  const figures = Object.fromEntries(stepFigures(step).map((f) => [f.key, f.value]));
  return { started_at: startedAt.toISOString(), figures, ...(step.window ? { window: step.window } : {}), ...(step.noise ? { noise: step.noise } : {}) };
}

/** Each figure's summary over the trials that have it. */
export function intervalsOf(records: readonly TrialRecord[]): Record<string, FigureInterval> {
  const keys = [...new Set(records.flatMap((r) => Object.keys(r.figures)))];
  const out: Record<string, FigureInterval> = {};
  for (const k of keys) {
    const values = records.map((r) => r.figures[k]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    if (values.length === 0) continue;
    const s = summarize(values);
    out[k] = { median: s.median, lo: s.lo, hi: s.hi, n: s.n, coverage: s.coverage };
  }
  return out;
}
