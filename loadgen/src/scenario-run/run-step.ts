import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { executorFor, STEP_PLUGINS } from '../executors/registry.js';
import { emptyErrors, NO_LATENCY, plannedPhases, type Measurement, type StepContext, type StepRun } from '../executors/common/executor.js';
import { loadgenMetrics, type LiveFigures } from '../observe/loadgen-metrics.js';
import { LabCpuLedger } from '../observe/lab-cpu.js';
import { MachineNoiseRecorder, type LabPart } from '../observe/machine-noise.js';
import type { SamplerRecord, StepResult } from '../model/results.js';
import type { Endpoint, LabRuntime } from '../runtime/types.js';
import { ServerSampler } from '../observe/server-sampler.js';
import { beginMeasureFocus, endMeasureFocus } from '../observe/measure-focus.js';
import type { Scenario } from '../model/scenario.js';
import { effectiveDelayMs } from '../model/upstream-delay.js';
import { generatorsFor } from './loadgens/launcher.js';
import { startSplitRun, type SplitMeasurement } from './loadgens/split-run.js';
import { generatorsForStep } from './loadgens/split.js';
import { TimelineRun } from './timeline/timeline-run.js';
import { stepWarnings } from './warnings.js';
import type { RunPhase, RunProgress } from './progress.js';

// One trial of one step on one target: start, warmup (discarded), measure (the server sampled
// at the row's budgeted cadence, the machine's noise and the lab's CPU by purpose recorded
// around it), close, the step plugins. The run loop (run-scenario.ts) repeats it in rounds.

/** Around the measure: what else used the machine. The lab process (and every child: local rows, wrk) is one part; the runtime adds its rows' groups. */
export function noiseParts(runtime: LabRuntime): () => LabPart[] {
  return () => [{ name: 'lab', pids: [process.pid] }, ...(runtime.noiseParts?.() ?? [])];
}

export type ProgressBase = Omit<RunProgress, 'phase' | 'elapsed' | 'phaseSeconds'>;

/** How to sample a row: its cadence, from its scrape cost (scenario-run/trials/sampling.ts). */
export interface StepSampling {
  intervalMs: number;
  record: SamplerRecord;
}

export async function runStep(
  runtime: LabRuntime,
  scenario: Scenario,
  target: Endpoint,
  load: number,
  signal: AbortSignal,
  base: ProgressBase,
  onProgress: ((p: RunProgress) => void) | undefined,
  note: (message: string) => void,
  loadgens: number,
  sampling?: StepSampling,
): Promise<{ step: StepResult; error?: string; timelineRun: TimelineRun; unreachableS?: number }> {
  const executor = executorFor(scenario.executor);
  const delayMs = effectiveDelayMs(scenario, executor.protocol);
  const ideal = executor.idealRps(load, delayMs);
  loadgenMetrics.stepStarted(scenario.name, scenario.executor, target.name, load, ideal);
  let live: { figures: LiveFigures; at: number } | undefined;
  // When the executor last gave live figures itself: the server's rate stands in only without them.
  let executorLiveAt = 0;
  const publishLive = (figures: LiveFigures) => {
    live = { figures, at: Date.now() };
    loadgenMetrics.live(target.name, figures);
  };
  const timelineRun = new TimelineRun(runtime, target, executor.protocol, scenario.events, note, sampling?.intervalMs);
  const ctx: StepContext = {
    scenario, runtime, target, load, signal, timeline: timelineRun.recorder,
    onLive: (figures) => {
      executorLiveAt = Date.now();
      publishLive(figures);
    },
  };
  // --loadgens K on a step of fewer than K connections: as many generators as connections, said.
  const used = generatorsForStep(load, loadgens, executor.loadUnit === 'connections');
  if (used.note) note(`${target.name} step ${load}: ${used.note}`);
  const preWarnings = [...(executor.preflight?.(ctx) ?? []), ...(used.note ? [used.note] : [])];
  onProgress?.({ ...base, phase: 'starting', elapsed: 0, phaseSeconds: 0 });

  let run: StepRun | undefined;
  // The lab's CPU by purpose over the measure: load runs in this process unless K generators carry it.
  const ledger = new LabCpuLedger();
  let measurement: Measurement | undefined;
  let error: string | undefined;
  const sampler = new ServerSampler(runtime, target, executor.protocol, (s, prev) => {
    // The timeline's server side during the measure (TimelineRun.measure): the row is scraped once for both.
    timelineRun.recorder.server(s);
    // When the executor has no per-second view (autocannon workers), the server's counter gives the live rate.
    if (!prev || s.requests === undefined || prev.requests === undefined) return;
    // (Not its own earlier figures: a first rate of 0, before the load's workers started, must not stick.)
    if (Date.now() - executorLiveAt < 1500) return;
    const rps = (s.requests - prev.requests) / ((s.t - prev.t) / 1000);
    publishLive({ rps, connections: load });
  }, { intervalMs: sampling?.intervalMs, ledger });
  const noise = new MachineNoiseRecorder(noiseParts(runtime), NOISE_SNAPSHOT_MS);
  let noiseStarted = false;
  let cpu0 = process.cpuUsage();
  let t0 = performance.now();
  try {
    run = loadgens > 1 ? await startSplitRun(ctx, generatorsFor(runtime.kind, used.k)) : await executor.start(ctx);
    timelineRun.warmup();
    loadgenMetrics.phase(scenario.name, scenario.executor, target.name, 'warmup');
    // The progress shows what the phases should take (an overhead warmup asks at least one whole experiment).
    const planned = plannedPhases(executor, scenario, load);
    await phaseWithProgress('warmup', planned.warmup, base, onProgress, () => undefined, run.warmup(scenario.warmupS));
    if (!signal.aborted) {
      loadgenMetrics.phase(scenario.name, scenario.executor, target.name, 'measure');
      ledger.begin({ unattributed: loadgens > 1 ? 'rest' : 'loadgen' });
      noise.start();
      noiseStarted = true;
      beginMeasureFocus(target.name);
      await sampler.start();
      cpu0 = process.cpuUsage();
      t0 = performance.now();
      timelineRun.measure();
      measurement = await phaseWithProgress('measure', planned.measure, base, onProgress, () => live?.figures.rps, run.measure(scenario.durationS));
    }
  } catch (err) {
    error = (err as Error).message || String(err);
  } finally {
    // Events end with the measure phase, also when it threw or was interrupted: the upstream is put back.
    await timelineRun.endMeasure();
    await run?.close().catch(() => {});
  }
  const cpu = process.cpuUsage(cpu0);
  const wallS = (performance.now() - t0) / 1000;
  const server = await sampler.stop().catch(() => undefined);
  endMeasureFocus();
  const machine = noiseStarted ? noise.stop().whole : undefined;
  const m = measurement ?? failedMeasurement(error ?? 'aborted before measuring', wallS);
  // The load generator's CPU, and every per-second rate, over the window the server's counters
  // really cover (first to last server sample: an open model's drain, an idle step's closing).
  const bracket = measurement ? sampler.bracket() : undefined;
  // K generators: their own CPU (this process only waited for their reports).
  const generators = (measurement as SplitMeasurement | undefined)?.generators;
  if (generators) ledger.add('loadgen', generators.reduce((sum, g) => sum + g.cpu_seconds, 0));
  const byPurpose = noiseStarted ? ledger.end().by_purpose : undefined;
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
      ...(byPurpose ? { cpu_by_purpose: Object.fromEntries(Object.entries(byPurpose).map(([k, v]) => [k, round3(v)])) } : {}),
    },
    ideal_rps: ideal,
    warnings: [...preWarnings, ...m.warnings, ...(error ? [`step failed: ${error}`] : []), ...(signal.aborted ? ['interrupted by a stop (SIGINT/SIGTERM): partial, not comparable with complete steps'] : [])],
    // The lab stopped during this step: the steps before it are complete and valid, this one is not.
    ...(signal.aborted ? { interrupted: true } : {}),
    ...m.fields,
    ...(measurement ? { window: { scheduled_s: scenario.durationS, real_s: round3(windowS) } } : {}),
    ...(machine ? { noise: machine } : {}),
    ...(sampling ? { sampler: sampling.record } : {}),
  };
  step.warnings.push(...stepWarnings(step, { delayMs: ideal === null ? null : delayMs, closedModel: executor.loadUnit === 'connections' && executor.view.measuresRequests, cpus: availableParallelism() }));
  // Step plugins (the wrk cross-check) after the step's own measure, close() and server sample.
  for (const p of STEP_PLUGINS) {
    if (!p.enabled(scenario) || !executor.stepPlugins?.includes(p.name) || !run || !measurement || signal.aborted) continue;
    await phaseWithProgress(p.phase as RunPhase, p.phaseSeconds(scenario), base, onProgress, () => undefined, p.afterStep(run, step, scenario));
  }
  return { step, error, timelineRun, ...(m.unreachableS ? { unreachableS: m.unreachableS } : {}) };
}

function failedMeasurement(reason: string, wallS: number): Measurement {
  const errors = emptyErrors();
  errors.connection = 1;
  errors.by_kind[reason.slice(0, 120)] = 1;
  return { requests: 0, ok: 0, durationS: wallS, latencyMs: NO_LATENCY, errors, loadgenThreads: 1, warnings: [] };
}

export async function phaseWithProgress<T>(
  phase: RunPhase,
  seconds: number,
  base: ProgressBase,
  onProgress: ((p: RunProgress) => void) | undefined,
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


const PROGRESS_EVERY_MS = 250;

/** The noise recorder's snapshots: the measure's first and last only (a /proc pass costs a few ms). */
const NOISE_SNAPSHOT_MS = 3_600_000;

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
