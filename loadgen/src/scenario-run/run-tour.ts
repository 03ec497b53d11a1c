import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { computeFindings, findingsToMarkdown, type Findings } from '../results/findings.js';
import { writeFileAtomic } from '../core/files.js';
import { runDirName } from '../results/files.js';
import { writeTourIndex, type TourIndex } from '../results/tour-index.js';
import type { RunResults } from '../model/results.js';
import type { ThresholdCheck } from '../results/verdict.js';
import type { LabRuntime } from '../runtime/types.js';
import type { Tour } from '../scenario/tour.js';
import type { Scenario } from '../model/scenario.js';
import { planRun } from './trials/plan.js';
import { runScenario, type RunOptions, type RunOutcome, type RunProgress } from './run-scenario.js';

// A tour runs its parts one after the other with runScenario, each into its own run folder
// inside the tour's folder, then computes one Findings section from all of them (as
// `lab report A B C` does) into the tour folder's summary.md. A killed tour keeps every part
// (and every step) it finished: tour.json is rewritten as each part starts and ends.

/** A part's progress, with where the tour is: `fraction` is 0..1 of the whole tour, by planned seconds. */
export interface TourProgress extends RunProgress {
  /** The part's own run folder (resultDir is the tour's). */
  partDir: string;
  tour: { name: string; part: number; parts: number; part_name: string; fraction: number };
}

export interface TourOptions extends Omit<RunOptions, 'onProgress'> {
  onProgress?: (p: TourProgress) => void;
  /** Called as each part starts (e.g. to print its table header). */
  onPart?: (part: Scenario, index: number) => void;
}

export interface TourOutcome {
  dir: string;
  parts: RunOutcome[];
  /** Every part's thresholds, each named `<part>: <threshold>`. */
  checks: ThresholdCheck[];
  failedTargets: { name: string; reason: string }[];
  aborted: boolean;
  findings: Findings;
}

/** Planned seconds of a part per row, its trials included (trials/plan.ts): the parts' weights in the tour's progress. */
function plannedSeconds(s: Scenario): number {
  return planRun(s, 1).totalS;
}

/** How far a part is, 0..1, from its latest progress event (rounds of trials, targets in order, steps in order, time in the step). */
function partFraction(p: RunProgress, s: Scenario): number {
  if (!p.total || !p.targetTotal) return 0;
  const stepS = s.warmupS + s.durationS + s.cooldownS || 1;
  const inPhase = p.phaseSeconds ? Math.min(1, p.elapsed / p.phaseSeconds) * p.phaseSeconds : 0;
  const into = p.phase === 'warmup' ? inPhase
    : p.phase === 'measure' ? s.warmupS + inPhase
      : p.phase === 'step-done' || p.phase === 'cross-check' ? s.warmupS + s.durationS
        : p.phase === 'cooldown' ? s.warmupS + s.durationS + inPhase
          : 0;
  // Trials come in rounds: round r covers every target's steps again (an upper bound: a step may leave early).
  const round = (p.trial ?? 1) - 1;
  const cells = p.targetTotal * p.total;
  return Math.min(1, (round * cells + p.targetIndex * p.total + p.index + Math.min(1, into / stepS)) / ((p.trials ?? 1) * cells));
}

export async function runTour(runtime: LabRuntime, tour: Tour, opts: TourOptions = {}): Promise<TourOutcome> {
  const started = new Date();
  const dir = path.resolve(opts.outDir ?? 'results', runDirName(tour.name, started));
  mkdirSync(dir, { recursive: true });
  const index: TourIndex = {
    tour_version: 1,
    name: tour.name,
    description: tour.description,
    ...(tour.file ? { file: tour.file } : {}),
    started_at: started.toISOString(),
    finished_at: null,
    status: 'running',
    parts: tour.parts.map((p) => ({ name: p.name, executor: p.executor, dir: null, status: 'pending' })),
  };
  writeTourIndex(dir, index);
  const weights = tour.parts.map(plannedSeconds);
  const totalWeight = weights.reduce((a, b) => a + b, 0) || 1;
  const outcomes: RunOutcome[] = [];
  const signal = opts.signal;
  try {
    for (const [i, part] of tour.parts.entries()) {
      if (signal?.aborted) break;
      opts.onPart?.(part, i);
      const entry = index.parts[i]!;
      entry.status = 'running';
      writeTourIndex(dir, index);
      const before = weights.slice(0, i).reduce((a, b) => a + b, 0);
      const outcome = await runScenario(runtime, part, {
        ...opts,
        outDir: dir,
        onProgress: (p) => {
          if (entry.dir === null) {
            entry.dir = path.basename(p.resultDir);
            writeTourIndex(dir, index);
          }
          const fraction = (before + weights[i]! * partFraction(p, part)) / totalWeight;
          opts.onProgress?.({ ...p, resultDir: dir, partDir: p.resultDir, tour: { name: tour.name, part: i, parts: tour.parts.length, part_name: part.name, fraction } });
        },
      });
      entry.dir = path.basename(outcome.dir);
      entry.status = outcome.aborted ? 'aborted' : outcome.failedTargets.length ? 'failed' : 'complete';
      outcomes.push(outcome);
      writeTourIndex(dir, index);
    }
  } finally {
    index.finished_at = new Date().toISOString();
    index.status = signal?.aborted ? 'aborted' : outcomes.some((o) => o.failedTargets.length) ? 'failed' : 'complete';
    writeTourIndex(dir, index);
  }
  const results = outcomes.map((o) => o.results);
  const findings = computeFindings(results);
  writeFileAtomic(path.join(dir, 'summary.md'), tourSummary(index, results, findings));
  const failed = new Map<string, string>();
  for (const [i, o] of outcomes.entries()) for (const f of o.failedTargets) if (!failed.has(f.name)) failed.set(f.name, `${tour.parts[i]!.name}: ${f.reason}`);
  return {
    dir,
    parts: outcomes,
    checks: outcomes.flatMap((o, i) => o.checks.map((c) => ({ ...c, threshold: `${tour.parts[i]!.name}: ${c.threshold}` }))),
    failedTargets: [...failed].map(([name, reason]) => ({ name, reason })),
    aborted: signal?.aborted === true,
    findings,
  };
}

export function tourSummary(index: TourIndex, results: RunResults[], findings: Findings): string {
  const lines = [`# ${index.name}`, '', index.description, '', '| part | executor | status | run folder |', '| --- | --- | --- | --- |'];
  for (const p of index.parts) lines.push(`| ${p.name} | ${p.executor} | ${p.status} | ${p.dir ? `[${p.dir}](${p.dir}/summary.md)` : '-'} |`);
  const env = results[0]?.environment;
  if (env) lines.push('', `${env.runtime} runtime, ${env.cpus} CPUs, node ${env.node}${env.python ? `, python ${env.python}` : ''}; started ${index.started_at}, finished ${index.finished_at ?? '-'}.`);
  lines.push('', ...findingsToMarkdown(findings));
  return lines.join('\n') + '\n';
}
