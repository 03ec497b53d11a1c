import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { executorFor, STEP_PLUGINS } from '../executors/registry.js';
import { sleep } from '../core/sleep.js';
import { TrialRounds } from '../core/stats/index.js';
import { loadgenMetrics } from '../observe/loadgen-metrics.js';
import { renderReport, type ReportOutput } from '../report/render.js';
import { errorPercent } from '../model/derived.js';
import { stoppingRule } from '../model/trials.js';
import { describeEnvironment } from '../results/environment.js';
import { runDirName, writeResults } from '../results/files.js';
import { RESULTS_SCHEMA_VERSION, type RunResults, type StepResult, type TargetResult } from '../model/results.js';
import { evaluateThresholds, type ThresholdCheck } from '../results/verdict.js';
import { NotRestartable } from '../runtime/not-restartable.js';
import type { Endpoint, LabRuntime } from '../runtime/types.js';
import type { Scenario } from '../model/scenario.js';
import { effectiveDelayMs } from '../model/upstream-delay.js';
import { applyUpstreamConfig } from './upstream-config.js';
import { phaseWithProgress, runStep, type ProgressBase, type StepSampling } from './run-step.js';
import type { RunProgress } from './progress.js';
import { describePlan, planRun } from './trials/plan.js';
import { samplingFor } from './trials/sampling.js';
import { TrialSet } from './trials/trial-set.js';

// The run loop, in rounds of trials (issue 18): every target x step once (A B C, A B C...), then
// again for the (target, step) pairs whose figures are not yet precise, until each is precise
// or has the scenario's most trials (core/stats TrialRounds). A trial is one step: start, warmup
// (discarded), measure (with the server sampled around it), cooldown (run-step.ts). results.json
// is rewritten after every trial, so a run that is killed keeps every trial it completed. A
// target that dies is recorded and skipped; the other targets still run.

export type { RunPhase, RunProgress } from './progress.js';

export interface RunOptions {
  /** Base folder for run folders (default ./results); the run writes <outDir>/<UTC time>_<name>/. */
  outDir?: string;
  /** Restrict to these targets (overrides the scenario's list). */
  targets?: string[];
  onProgress?: (p: RunProgress) => void;
  /** Things the user should know that are not per-step warnings. */
  onNote?: (message: string) => void;
  signal?: AbortSignal;
  /**
   * `lab run --loadgens K`: each step's load split across K load generator processes (swarm:
   * the stack's loadgen tasks), their histograms merged. Default 1: the load comes from this process.
   */
  loadgens?: number;
  /** `lab run --trials N --precision P`: overrides the scenario's trials and precision. */
  trials?: number;
  precision?: number;
  /** `lab run --allow-busy`: findings keep steps measured on a busy machine. */
  allowBusy?: boolean;
}

export interface RunOutcome {
  dir: string;
  results: RunResults;
  checks: ThresholdCheck[];
  failedTargets: { name: string; reason: string }[];
  aborted: boolean;
  report?: ReportOutput;
}

export async function runScenario(runtime: LabRuntime, scenario: Scenario, opts: RunOptions = {}): Promise<RunOutcome> {
  // Before anything runs: a plugin without its tool (the cross-check without wrk) says how to install it.
  for (const p of STEP_PLUGINS) if (p.enabled(scenario)) p.preflight?.();
  scenario = withTrialFlags(scenario, opts);
  const signal = opts.signal ?? new AbortController().signal;
  const note = opts.onNote ?? (() => {});
  const executor = executorFor(scenario.executor);
  const delayMs = effectiveDelayMs(scenario, executor.protocol);
  const started = new Date();
  const dir = path.resolve(opts.outDir ?? 'results', runDirName(scenario.name, started));
  mkdirSync(dir, { recursive: true });

  const { targets, missing } = selectTargets(runtime, scenario, opts.targets);
  note(describePlan(planRun(scenario, targets.length), scenario.trials.precision));
  const results: RunResults = {
    schema_version: RESULTS_SCHEMA_VERSION,
    // The trials as run (flags included), so that readers know how many a step could have had.
    scenario: { ...scenario.source, trials: scenario.trials.trials, precision: scenario.trials.precision, ...(scenario.trials.allowBusy ? { allow_busy: true } : {}), ...(scenario.file ? { file: scenario.file } : {}) },
    environment: await describeEnvironment(runtime.kind),
    started_at: started.toISOString(),
    finished_at: null,
    status: 'running',
    load_unit: executor.loadUnit,
    upstream_delay_ms: executor.idealRps(1, delayMs) === null ? null : delayMs,
    targets: [],
  };
  const failedTargets: { name: string; reason: string }[] = [];
  for (const m of missing) {
    results.targets.push({ name: m.name, model: '?', failed: m.reason, steps: [] });
    failedTargets.push(m);
  }
  writeResults(dir, results);
  if (scenario.resources && !runtime.applyLimits) note(`resources ${JSON.stringify(scenario.source.resources)} apply to the docker runtime only; ignored by the ${runtime.kind} runtime`);

  const restoreUpstream = await applyUpstreamConfig(runtime.upstream, scenario.upstream, note);
  try {
    await runRounds(runtime, scenario, targets, { dir, results, failedTargets, signal, note, opts });
  } finally {
    loadgenMetrics.idle();
    await restoreUpstream().catch((err: Error) => note(err.message));
    results.finished_at = new Date().toISOString();
    results.status = signal.aborted ? 'aborted' : failedTargets.length ? 'failed' : 'complete';
    writeResults(dir, results);
  }

  let report: ReportOutput | undefined;
  try {
    report = await renderReport(dir, results);
    for (const c of report.charts) if (c.error) note(`chart ${c.name}: PNG not written: ${c.error}`);
  } catch (err) {
    note(`report not rendered (results.json is complete; retry with 'lab report ${dir}'): ${(err as Error).message}`);
  }
  return { dir, results, checks: report?.checks ?? evaluateThresholds(results), failedTargets, aborted: signal.aborted, report };
}

interface RunState {
  dir: string;
  results: RunResults;
  failedTargets: { name: string; reason: string }[];
  signal: AbortSignal;
  note: (message: string) => void;
  opts: RunOptions;
}

/** Every (target, step) in rounds until each is precise or has its trials; a failed target leaves the rounds. */
async function runRounds(runtime: LabRuntime, scenario: Scenario, targets: Endpoint[], st: RunState): Promise<void> {
  const key = (t: number, s: number) => `${t}:${s}`;
  const rounds = new TrialRounds(targets.flatMap((_, t) => scenario.steps.map((_s, s) => key(t, s))), stoppingRule(scenario.trials));
  const sets = new Map<string, TrialSet>();
  const trs = new Map<number, TargetResult>();
  const failed = new Set<number>();
  const sampling = new Map<number, StepSampling>();
  const stale = new Set<number>();
  while (!st.signal.aborted) {
    const pending = rounds.nextRound().filter((k) => !failed.has(Number(k.split(':')[0])));
    if (pending.length === 0) break;
    for (const [targetIndex, target] of targets.entries()) {
      const mine = pending.filter((k) => Number(k.split(':')[0]) === targetIndex).map((k) => Number(k.split(':')[1]));
      if (mine.length === 0 || st.signal.aborted) continue;
      const progressBase = (index: number): ProgressBase => ({ scenario: scenario.name, target: target.name, step: scenario.steps[index]!, index, total: scenario.steps.length,
        targetIndex, targetTotal: targets.length, resultDir: st.dir, trial: (sets.get(key(targetIndex, index))?.count ?? 0) + 1, trials: scenario.trials.trials });
      let tr = trs.get(targetIndex);
      if (!tr) {
        tr = { name: target.name, model: target.manifest.model, steps: [] };
        trs.set(targetIndex, tr);
        st.results.targets.push(tr);
        sampling.set(targetIndex, await samplingFor(runtime, target, { everySecond: scenario.events.length > 0 }));
      }
      /** `fresh_process`: restarts the row before step `index`; false when the row failed instead. */
      const fresh = async (index: number): Promise<boolean> => {
        if (stale.has(targetIndex)) return true;
        const outcome = await freshProcess(runtime, target.name, st.note);
        // A row the lab may not restart (attached, not started by it) is measured as it is: said once.
        if (outcome === 'as-is') stale.add(targetIndex);
        if (typeof outcome === 'string') return true;
        // A restart that failed may have left the row down: measuring on would blame the model.
        tr.failed = outcome.failure;
        st.failedTargets.push({ name: target.name, reason: outcome.failure });
        st.opts.onProgress?.({ ...progressBase(index), phase: 'target-failed', elapsed: 0, phaseSeconds: 0, message: outcome.failure });
        failed.add(targetIndex);
        writeResults(st.dir, st.results);
        return false;
      };
      if (scenario.trials.freshProcess === 'round' && !(await fresh(mine[0]!))) continue;
      const limited = scenario.resources && runtime.applyLimits
        ? await runtime.applyLimits(target.name, { cpus: scenario.resources.cpus, memory: scenario.resources.memoryBytes }).then(() => true, (err: Error) => { st.note(`could not apply limits to ${target.name}: ${err.message}`); return false; })
        : false;
      try {
        for (const index of mine) {
          if (st.signal.aborted) break;
          if (scenario.trials.freshProcess === 'step' && !(await fresh(index))) break;
          const set = sets.get(key(targetIndex, index)) ?? new TrialSet();
          sets.set(key(targetIndex, index), set);
          const failure = await runTrial(runtime, scenario, target, tr, index, set, progressBase(index), st, sampling.get(targetIndex));
          if (failure) {
            failed.add(targetIndex);
            break;
          }
          if (!st.signal.aborted) rounds.record(key(targetIndex, index), set.lastFigures);
        }
      } finally {
        if (limited) await runtime.restoreLimits?.(target.name).catch((err: Error) => st.note(`could not restore limits of ${target.name}: ${err.message}`));
      }
    }
  }
}

/**
 * Restarts a row before its steps of a round, or before a step (`fresh_process`): 'as-is', with
 * a note, when the runtime may not (the row was attached to); the failure when the restart
 * itself failed.
 */
async function freshProcess(runtime: LabRuntime, name: string, note: (message: string) => void): Promise<'restarted' | 'as-is' | { failure: string }> {
  try {
    await runtime.restart(name);
    return 'restarted';
  } catch (err) {
    const first = (err as Error).message.split('\n')[0];
    if (err instanceof NotRestartable) {
      note(`fresh_process: could not restart ${name} (${first}); it is measured on one process from here on`);
      return 'as-is';
    }
    return { failure: `fresh_process: the restart before its trial failed: ${first}` };
  }
}

/** One trial of one step, published into the target's steps; returns why the target failed, if it did. */
async function runTrial(runtime: LabRuntime, scenario: Scenario, target: Endpoint, tr: TargetResult, index: number, set: TrialSet, base: ProgressBase, st: RunState, sampling: StepSampling | undefined): Promise<string | undefined> {
  const load = scenario.steps[index]!;
  const startedAt = new Date();
  const outcome = await runStep(runtime, scenario, target, load, st.signal, base, st.opts.onProgress, st.note, st.opts.loadgens ?? 1, sampling);
  // The step's position in the target's steps: the first round adds steps in order.
  const slot = set.count === 0 ? tr.steps.length : tr.steps.indexOf(set.publishedStep!);
  const publish = () => {
    set.replaceLast(outcome.step);
    tr.steps[slot] = set.publishedStep!;
    writeResults(st.dir, st.results);
  };
  set.add(outcome.step, startedAt);
  let failure: string | undefined;
  try {
    publish();
    // The trial's own figures (the published step is the representative, set.publishedStep).
    st.opts.onProgress?.({ ...base, phase: 'step-done', elapsed: 0, phaseSeconds: 0, result: outcome.step });
    // A step that threw, got nothing but errors, or was refused connections may mean the target
    // died: ask it. (Refused retries back off and are not errors, so a row that died mid-step
    // after many answers no longer shows as mostly errors.)
    const suspect = outcome.error !== undefined || errorPercent(outcome.step) > 50 || (outcome.unreachableS ?? 0) > 0;
    if (suspect && !st.signal.aborted && !(await isHealthy(target))) {
      failure = `stopped answering at step ${load}: ${outcome.error ?? `no successful answer (${JSON.stringify(outcome.step.errors.by_kind)}) and /healthz does not answer`}`;
      tr.failed = failure;
      st.failedTargets.push({ name: target.name, reason: failure });
      st.opts.onProgress?.({ ...base, phase: 'target-failed', elapsed: 0, phaseSeconds: 0, message: failure });
    } else if (!st.signal.aborted && scenario.cooldownS > 0) {
      outcome.timelineRun.cooldown();
      await phaseWithProgress('cooldown', scenario.cooldownS, base, st.opts.onProgress, () => undefined, sleep(scenario.cooldownS * 1000, st.signal));
    }
  } finally {
    // The step's timeline covers its cooldown too; it is written with the step's other figures.
    Object.assign(outcome.step, await outcome.timelineRun.end());
    publish();
  }
  return failure;
}

/** The scenario with `lab run --trials/--precision/--allow-busy` applied. */
export function withTrialFlags(s: Scenario, o: Pick<RunOptions, 'trials' | 'precision' | 'allowBusy'>): Scenario {
  return { ...s, trials: { ...s.trials, trials: o.trials ?? s.trials.trials, precision: o.precision ?? s.trials.precision, allowBusy: o.allowBusy ?? s.trials.allowBusy } };
}

function selectTargets(runtime: LabRuntime, scenario: Scenario, override: string[] | undefined): { targets: Endpoint[]; missing: { name: string; reason: string }[] } {
  const wanted = override ?? (scenario.targets === 'all' ? undefined : scenario.targets);
  if (!wanted) return { targets: runtime.targets, missing: [] };
  const targets: Endpoint[] = [];
  const missing: { name: string; reason: string }[] = [];
  for (const name of wanted) {
    const t = runtime.targets.find((x) => x.name === name);
    if (t) targets.push(t);
    else {
      const u = runtime.unavailable.find((x) => x.name === name);
      missing.push({ name, reason: u ? `not running: ${u.reason}${u.hint ? ` (${u.hint})` : ''}` : 'not running in this lab' });
    }
  }
  return { targets, missing };
}

async function isHealthy(target: Endpoint): Promise<boolean> {
  try {
    const res = await fetch(`${target.httpUrl}/healthz`, { signal: AbortSignal.timeout(3000) });
    await res.text();
    return res.ok;
  } catch {
    return false;
  }
}

