import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { executorFor, STEP_PLUGINS } from '../executors/registry.js';
import { emptyErrors, NO_LATENCY, sleep, type Measurement, type StepContext, type StepRun } from '../executors/types.js';
import { loadgenMetrics, type LiveFigures } from '../observe/loadgen-metrics.js';
import { renderReport, type ReportOutput } from '../report/render.js';
import { errorPercent } from '../results/derived.js';
import { describeEnvironment } from '../results/environment.js';
import { runDirName, writeResults } from '../results/files.js';
import { RESULTS_SCHEMA_VERSION, type RunResults, type StepResult, type TargetResult } from '../results/types.js';
import { evaluateThresholds, type ThresholdCheck } from '../results/verdict.js';
import type { Endpoint, LabRuntime } from '../runtime/types.js';
import { ServerSampler } from '../observe/server-sampler.js';
import { effectiveDelayMs, type Scenario } from '../scenario/types.js';
import { generatorsFor } from './loadgens/launcher.js';
import { startSplitRun, type SplitMeasurement } from './loadgens/split-run.js';
import { generatorsForStep } from './loadgens/split.js';
import { applyUpstreamConfig } from './upstream-config.js';
import { StepStory } from './step-story.js';
import { stepWarnings } from './warnings.js';

// The run loop: for each target, for each step: start, warmup (discarded), measure (with the
// server sampled around it), cooldown. results.json is rewritten after every step, so a run
// that is killed keeps every step it completed. A target that dies is recorded and skipped;
// the other targets still run.

export type RunPhase = 'starting' | 'warmup' | 'measure' | 'cross-check' | 'cooldown' | 'step-done' | 'target-failed' | 'done';

export interface RunProgress {
  scenario: string;
  target: string;
  /** The step's load (connections, req/s or workers). */
  step: number;
  /** 0-based index of the step within the target, and how many steps a target has. */
  index: number;
  total: number;
  targetIndex: number;
  targetTotal: number;
  phase: RunPhase;
  /** Seconds into the phase, and the phase's planned length. */
  elapsed: number;
  phaseSeconds: number;
  /** Successful requests per second over the last second (measure only). */
  rps?: number;
  /** The run folder, from the first event on. */
  resultDir: string;
  /** The finished step (phase step-done) or the reason (target-failed). */
  result?: StepResult;
  message?: string;
}

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
}

export interface RunOutcome {
  dir: string;
  results: RunResults;
  checks: ThresholdCheck[];
  failedTargets: { name: string; reason: string }[];
  aborted: boolean;
  report?: ReportOutput;
}

const PROGRESS_EVERY_MS = 250;

export async function runScenario(runtime: LabRuntime, scenario: Scenario, opts: RunOptions = {}): Promise<RunOutcome> {
  // Before anything runs: a plugin without its tool (the cross-check without wrk) says how to install it.
  for (const p of STEP_PLUGINS) if (p.enabled(scenario)) p.preflight?.();
  const signal = opts.signal ?? new AbortController().signal;
  const note = opts.onNote ?? (() => {});
  const executor = executorFor(scenario.executor);
  const delayMs = effectiveDelayMs(scenario, executor.protocol);
  const started = new Date();
  const dir = path.resolve(opts.outDir ?? 'results', runDirName(scenario.name, started));
  mkdirSync(dir, { recursive: true });

  const { targets, missing } = selectTargets(runtime, scenario, opts.targets);
  const results: RunResults = {
    schema_version: RESULTS_SCHEMA_VERSION,
    scenario: { ...scenario.source, ...(scenario.file ? { file: scenario.file } : {}) },
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
    for (const [targetIndex, target] of targets.entries()) {
      if (signal.aborted) break;
      const tr: TargetResult = { name: target.name, model: target.manifest.model, steps: [] };
      results.targets.push(tr);
      const limited = scenario.resources && runtime.applyLimits
        ? await runtime.applyLimits(target.name, { cpus: scenario.resources.cpus, memory: scenario.resources.memoryBytes }).then(() => true, (err: Error) => { note(`could not apply limits to ${target.name}: ${err.message}`); return false; })
        : false;
      try {
        for (const [index, load] of scenario.steps.entries()) {
          if (signal.aborted) break;
          const base = { scenario: scenario.name, target: target.name, step: load, index, total: scenario.steps.length, targetIndex, targetTotal: targets.length, resultDir: dir };
          const outcome = await runStep(runtime, scenario, target, load, signal, base, opts.onProgress, note, opts.loadgens ?? 1);
          let failed = false;
          try {
            tr.steps.push(outcome.step);
            writeResults(dir, results);
            opts.onProgress?.({ ...base, phase: 'step-done', elapsed: 0, phaseSeconds: 0, result: outcome.step });
            // A step that threw, or got nothing but errors, may mean the target died: ask it.
            const suspect = outcome.error !== undefined || errorPercent(outcome.step) > 50;
            if (suspect && !signal.aborted && !(await isHealthy(target))) {
              tr.failed = `stopped answering at step ${load}: ${outcome.error ?? `no successful answer (${JSON.stringify(outcome.step.errors.by_kind)}) and /healthz does not answer`}`;
              failedTargets.push({ name: target.name, reason: tr.failed });
              opts.onProgress?.({ ...base, phase: 'target-failed', elapsed: 0, phaseSeconds: 0, message: tr.failed });
              failed = true;
            } else if (!signal.aborted && scenario.cooldownS > 0) {
              outcome.story.cooldown();
              await phaseWithProgress('cooldown', scenario.cooldownS, base, opts.onProgress, () => undefined, sleep(scenario.cooldownS * 1000, signal));
            }
          } finally {
            // The step's timeline covers its cooldown too; it is written with the step's other figures.
            Object.assign(outcome.step, await outcome.story.end());
            writeResults(dir, results);
          }
          if (failed) break;
        }
      } finally {
        if (limited) await runtime.restoreLimits?.(target.name).catch((err: Error) => note(`could not restore limits of ${target.name}: ${err.message}`));
      }
    }
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

type ProgressBase = Omit<RunProgress, 'phase' | 'elapsed' | 'phaseSeconds'>;

async function runStep(
  runtime: LabRuntime,
  scenario: Scenario,
  target: Endpoint,
  load: number,
  signal: AbortSignal,
  base: ProgressBase,
  onProgress: RunOptions['onProgress'],
  note: (message: string) => void,
  loadgens: number,
): Promise<{ step: StepResult; error?: string; story: StepStory }> {
  const executor = executorFor(scenario.executor);
  const delayMs = effectiveDelayMs(scenario, executor.protocol);
  const ideal = executor.idealRps(load, delayMs);
  loadgenMetrics.stepStarted(scenario.name, scenario.executor, target.name, load, ideal);
  let live: { figures: LiveFigures; at: number } | undefined;
  const story = new StepStory(runtime, target, executor.protocol, scenario.events, note);
  const ctx: StepContext = {
    scenario, runtime, target, load, signal, timeline: story.recorder,
    onLive: (figures) => {
      live = { figures, at: Date.now() };
      loadgenMetrics.live(target.name, figures);
    },
  };
  // --loadgens K on a step of fewer than K connections: as many generators as connections, said.
  const used = generatorsForStep(load, loadgens, executor.loadUnit === 'connections');
  if (used.note) note(`${target.name} step ${load}: ${used.note}`);
  const preWarnings = [...(executor.preflight?.(ctx) ?? []), ...(used.note ? [used.note] : [])];
  onProgress?.({ ...base, phase: 'starting', elapsed: 0, phaseSeconds: 0 });

  let run: StepRun | undefined;
  let measurement: Measurement | undefined;
  let error: string | undefined;
  const sampler = new ServerSampler(runtime, target, executor.protocol, (s, prev) => {
    // When the executor has no per-second view (autocannon workers), the server's counter gives the live rate.
    if (!prev || s.requests === undefined || prev.requests === undefined) return;
    if (live && Date.now() - live.at < 1500) return;
    const rps = (s.requests - prev.requests) / ((s.t - prev.t) / 1000);
    ctx.onLive({ rps, connections: load });
  });
  let cpu0 = process.cpuUsage();
  let t0 = performance.now();
  try {
    run = loadgens > 1 ? await startSplitRun(ctx, generatorsFor(runtime.kind, used.k)) : await executor.start(ctx);
    story.warmup();
    loadgenMetrics.phase(scenario.name, scenario.executor, target.name, 'warmup');
    await phaseWithProgress('warmup', scenario.warmupS, base, onProgress, () => undefined, run.warmup(scenario.warmupS));
    if (!signal.aborted) {
      loadgenMetrics.phase(scenario.name, scenario.executor, target.name, 'measure');
      await sampler.start();
      cpu0 = process.cpuUsage();
      t0 = performance.now();
      story.measure();
      measurement = await phaseWithProgress('measure', scenario.durationS, base, onProgress, () => live?.figures.rps, run.measure(scenario.durationS));
    }
  } catch (err) {
    error = (err as Error).message || String(err);
  } finally {
    // Events end with the measure phase, also when it threw or was interrupted: the upstream is put back.
    await story.endMeasure();
    await run?.close().catch(() => {});
  }
  const cpu = process.cpuUsage(cpu0);
  const wallS = (performance.now() - t0) / 1000;
  const server = await sampler.stop().catch(() => undefined);
  const m = measurement ?? failedMeasurement(error ?? 'aborted before measuring', wallS);
  // The load generator's CPU, and every per-second rate, over the window the server's counters
  // really cover (first to last server sample: an open model's drain, an idle step's closing).
  const bracket = measurement ? sampler.bracket() : undefined;
  // K generators: their own CPU (this process only waited for their reports).
  const generators = (measurement as SplitMeasurement | undefined)?.generators;
  const loadgenCpu = generators ? generators.reduce((sum, g) => sum + g.cpu_seconds, 0) : bracket?.loadgenCpuS ?? (cpu.user + cpu.system) / 1e6;
  const windowS = bracket?.realS ?? wallS;
  const durationS = m.durationS > 0 ? m.durationS : wallS;
  const step: StepResult = {
    load,
    requests: m.requests,
    duration_s: round3(durationS),
    rps: durationS > 0 ? m.ok / durationS : 0,
    latency_ms: m.latencyMs,
    errors: m.errors,
    server: server ?? { cpu_seconds: null, rss_bytes_peak: null, os_threads_peak: null, context_switches: null, concurrency_units_peak: null },
    loadgen: {
      cpu_seconds: round3(loadgenCpu),
      threads: m.loadgenThreads,
      // One generator on one core: any of the K at 90% of a core is saturated.
      saturated: windowS > 0.5 && (generators ? generators.some((g) => g.cpu_seconds / windowS > 0.9) : loadgenCpu / windowS > 0.9 * m.loadgenThreads),
      ...(generators ? { generators } : {}),
    },
    ideal_rps: ideal,
    warnings: [...preWarnings, ...m.warnings, ...(error ? [`step failed: ${error}`] : []), ...(signal.aborted ? ['interrupted by a stop (SIGINT/SIGTERM): partial, not comparable with complete steps'] : [])],
    // The lab stopped during this step: the steps before it are complete and valid, this one is not.
    ...(signal.aborted ? { interrupted: true } : {}),
    ...m.fields,
    ...(measurement ? { window: { scheduled_s: scenario.durationS, real_s: round3(windowS) } } : {}),
  };
  step.warnings.push(...stepWarnings(step, { delayMs: ideal === null ? null : delayMs, closedModel: executor.loadUnit === 'connections' && executor.view.measuresRequests, cpus: availableParallelism() }));
  // Step plugins (the wrk cross-check) after the step's own measure, close() and server sample.
  for (const p of STEP_PLUGINS) {
    if (!p.enabled(scenario) || !executor.stepPlugins?.includes(p.name) || !run || !measurement || signal.aborted) continue;
    await phaseWithProgress(p.phase as RunPhase, p.phaseSeconds(scenario), base, onProgress, () => undefined, p.afterStep(run, step, scenario));
  }
  return { step, error, story };
}

function failedMeasurement(reason: string, wallS: number): Measurement {
  const errors = emptyErrors();
  errors.connection = 1;
  errors.by_kind[reason.slice(0, 120)] = 1;
  return { requests: 0, ok: 0, durationS: wallS, latencyMs: NO_LATENCY, errors, loadgenThreads: 1, warnings: [] };
}

async function phaseWithProgress<T>(
  phase: RunPhase,
  seconds: number,
  base: ProgressBase,
  onProgress: RunOptions['onProgress'],
  rps: () => number | undefined,
  work: Promise<T>,
): Promise<T> {
  const t0 = performance.now();
  const emit = () => onProgress?.({ ...base, phase, elapsed: Math.min(seconds, (performance.now() - t0) / 1000), phaseSeconds: seconds, rps: rps() });
  emit();
  const timer = setInterval(emit, PROGRESS_EVERY_MS);
  try {
    return await work;
  } finally {
    clearInterval(timer);
    emit();
  }
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

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
