// One scenario run at a time, started from the page. The run itself is whatever `startRun`
// does (runScenario against the lab's runtime); this module only owns the rules around it:
// validation (400), one at a time (409), and the progress the page polls.
import path from 'node:path';
import { loadScenario, scenarioFileByName } from '../scenario/load.js';
import { isTourFile, loadTour, type Tour } from '../scenario/tour.js';
import type { Scenario } from '../model/scenario.js';
import { BadRequest } from './results-store.js';
import { stepFigures } from '../executors/registry.js';
import { formatFigure } from '../report/figure-format.js';
import type { StepResult } from '../model/results.js';

export interface StartRunRequest {
  /** A scenario, or a tour (isTour): its parts in order, into one tour folder. */
  scenario: Scenario | Tour;
  /** Restrict the run to these running targets; undefined = what the scenario says. */
  targets?: string[];
  /** The results folder the run writes its run folder into. */
  resultsDir: string;
  onProgress: (event: unknown) => void;
  signal: AbortSignal;
}

/** Runs a scenario to the end; resolves with the run folder it wrote (if any). */
export type StartRun = (req: StartRunRequest) => Promise<{ resultDir?: string }>;

export interface RunState {
  id: number;
  scenario: string;
  targets: string[] | null;
  status: 'running' | 'complete' | 'failed';
  started_at: string;
  finished_at: string | null;
  /** The latest progress event of runScenario, as it emitted it. */
  progress: unknown;
  /** Finished steps, failed targets and notes so far (the last 200); phase ticks only update `progress`. */
  events: unknown[];
  /** Folder name under the results folder, once known. */
  result_id: string | null;
  error: string | null;
}

const NAME_RE = /^[a-z0-9][a-z0-9-]{0,80}$/;
const MAX_EVENTS = 200;
const TICK_PHASES = new Set<unknown>(['starting', 'warmup', 'measure', 'cooldown']);

export class RunController {
  private current: RunState | undefined;
  private abort: AbortController | undefined;
  private running: Promise<void> | undefined;
  private nextId = 1;

  constructor(
    private readonly opts: {
      startRun: StartRun | undefined;
      scenariosDir: string;
      resultsDir: string;
      runningTargets: () => string[];
      /** Why no run can start now (e.g. `lab up` is still verifying); undefined when one can. */
      notReady?: () => string | undefined;
    },
  ) {}

  state(): RunState | { status: 'idle' } {
    return this.current ?? { status: 'idle' };
  }

  /** Validates and starts; throws BadRequest(400/409/503) with the reason otherwise. */
  start(body: unknown): RunState {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadRequest('POST /api/runs needs a JSON object like {"scenario": "quick"}');
    const { scenario: name, targets, ...rest } = body as Record<string, unknown>;
    const unknownKeys = Object.keys(rest);
    if (unknownKeys.length) throw new BadRequest(`unknown field(s) ${unknownKeys.join(', ')}: expected scenario and optional targets`);
    if (typeof name !== 'string' || !NAME_RE.test(name)) throw new BadRequest(`"scenario" must be a scenario name like "quick", got ${JSON.stringify(name)}`);
    const file = scenarioFileByName(name, this.opts.scenariosDir);
    if (!file) throw new BadRequest(`no scenario named '${name}' in ${this.opts.scenariosDir}`);
    let selected: string[] | undefined;
    if (targets !== undefined) {
      if (!Array.isArray(targets) || targets.length === 0 || !targets.every((t) => typeof t === 'string')) {
        throw new BadRequest('"targets" must be a non-empty list of target names');
      }
      const running = this.opts.runningTargets();
      const missing = targets.filter((t) => !running.includes(t));
      if (missing.length) throw new BadRequest(`not running: ${missing.join(', ')} (running: ${running.join(', ') || 'none'})`);
      selected = [...new Set(targets as string[])];
    }
    // Validate before the one-at-a-time check so that a bad request says what is wrong with it.
    let scenario: Scenario | Tour;
    try {
      scenario = isTourFile(file) ? loadTour(file) : loadScenario(file);
    } catch (err) {
      throw new BadRequest(`scenario '${name}' is invalid: ${(err as Error).message}`);
    }
    if (this.current?.status === 'running') {
      throw new BadRequest(`a run is already in progress (${this.current.scenario}, started ${this.current.started_at}); wait for it to finish`, 409);
    }
    const notReady = this.opts.notReady?.();
    if (notReady) throw new BadRequest(notReady, 503);
    const startRun = this.opts.startRun;
    if (!startRun) throw new BadRequest('this lab cannot run scenarios (no runtime attached to the web server)', 503);

    const state: RunState = {
      id: this.nextId++,
      scenario: scenario.name,
      targets: selected ?? null,
      status: 'running',
      started_at: new Date().toISOString(),
      finished_at: null,
      progress: null,
      events: [],
      result_id: null,
      error: null,
    };
    this.current = state;
    const abort = (this.abort = new AbortController());
    const onProgress = (event: unknown) => {
      const phase = (event as { phase?: unknown } | null)?.phase;
      // Ticks of a running phase replace each other; finished steps and notes are kept.
      if (phase === 'note') {
        state.events.push(event);
      } else {
        state.progress = event;
        if (!TICK_PHASES.has(phase)) state.events.push(withFigures(event));
      }
      if (state.events.length > MAX_EVENTS) state.events.shift();
      const dir = resultDirOf(event);
      if (dir && !state.result_id) state.result_id = path.basename(dir);
    };
    this.running = startRun({ scenario, targets: selected, resultsDir: this.opts.resultsDir, onProgress, signal: abort.signal })
      .then((out) => {
        state.status = 'complete';
        if (out.resultDir) state.result_id = path.basename(out.resultDir);
      })
      .catch((err: unknown) => {
        state.status = 'failed';
        state.error = (err as Error)?.message ?? String(err);
      })
      .finally(() => {
        state.finished_at = new Date().toISOString();
      });
    return state;
  }

  /** Abort a run in progress and wait until it has stopped. */
  async stop(): Promise<void> {
    this.abort?.abort();
    await this.running;
  }
}

function resultDirOf(event: unknown): string | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const e = event as Record<string, unknown>;
  for (const key of ['resultDir', 'outDir', 'dir']) if (typeof e[key] === 'string') return e[key] as string;
  return undefined;
}

/**
 * A finished step's figures as its views publish them (overhead per mode, bytes per idle
 * connection, req/s and p99...), labelled and formatted here: the page's run panel lists them.
 */
function withFigures(event: unknown): unknown {
  const e = event as { phase?: unknown; result?: StepResult };
  if (e.phase !== 'step-done' || !e.result) return event;
  return {
    ...e,
    figures: stepFigures(e.result).filter((f) => f.value !== null).map((f) => {
      const text = formatFigure(f.value, f.unit);
      // 'req/s 394.1 req/s' reads as '394.1 req/s'; 'p99 149ms' keeps its label.
      return { key: f.key, label: f.label, text: text.endsWith(f.label) ? text : `${f.label} ${text}` };
    }),
  };
}
