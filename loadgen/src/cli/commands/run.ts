import cliProgress from 'cli-progress';
import type { Command, CommandValues } from '../command.js';
import { listFlag, stringFlag } from '../command.js';
import { EXIT, LabError } from '../../core/errors.js';
import { discoverServices, implementationsOf } from '../../core/manifest/index.js';
import { serveLoadgenMetrics } from '../../observe/loadgen-metrics-server.js';
import { EXECUTOR_NAMES, executorFor, STEP_PLUGINS } from '../../executors/registry.js';
import type { StepPlugin } from '../../executors/common/executor.js';
import { consoleHeader, type ConsoleTable } from '../../draw/console-table.js';
import { stepConsoleLine, trialSuffix } from '../../results/step-console.js';
import { formatLabEvent, openRuntime } from '../../runtime/index.js';
import { exitCodeFor, ownStop, stopAll, stopRequested, StopRequested } from '../../runtime/lab-stop.js';
import { LAB_WEB_PORT, portOffset } from '../../runtime/ports.js';
import type { LabRuntime } from '../../runtime/types.js';
import { runScenario, type RunProgress } from '../../scenario-run/run-scenario.js';
import { loadScenario } from '../../scenario/load.js';
import { isTourFile, loadTour } from '../../scenario/tour.js';
import { runTour } from '../../scenario-run/run-tour.js';
import type { Scenario } from '../../model/scenario.js';
import { formatVerifyReport, verifyTargets } from '../../verify/index.js';
import { parseRuntimeKind } from './verify.js';

import { parsePrecision, parseTrials } from '../../model/trials.js';

export const runCommand: Command = {
  name: 'run',
  summary: 'run a load scenario (verify first), write results.json/csv/summary/charts/report.html after every step',
  usage: [
    `Usage: lab run <scenario.yaml | name> [--runtime local|docker|swarm] [--targets a,b] [--out DIR] [--skip-verify] [--loadgens K] [--trials N] [--precision P] [--allow-busy]${STEP_PLUGINS.map((p) => ` [--${p.flag.name}]`).join('')}`,
    '',
    'Runs a scenario (a file, or a name from loadgen/scenarios: io-ramp, line-ramp, overhead,',
    'idle-connections, cpu-bound, quick) against every target it names, verifying them first.',
    'A tour (tour: a file with `parts`, each a scenario) runs its parts in order into one folder.',
    '  --runtime      local (default: processes on 127.0.0.1), docker or swarm',
    '  --targets      comma-separated implementation names; overrides the scenario\'s targets',
    '  --out          folder for the run folder <UTC time>_<scenario>/ (default: ./results)',
    '  --skip-verify  measure without checking the contract first (for quick experiments only)',
    '  --loadgens     K load generator processes per step (default 1), the load split, their histograms merged;',
    '                 --runtime swarm: tasks of the stack\'s loadgen service on the lab.role=loadgen nodes',
    '  --trials       the most trials per step (overrides the scenario\'s `trials`): steps repeat in rounds,',
    '                 every row x step once, then again, until a step\'s figures are precise or it has N',
    '  --precision    stop a step early once its figures\' 95% intervals are within this of the median (5% or 0.05)',
    '  --allow-busy   findings keep steps measured while other programs used more than 0.05 of a core',
    ...STEP_PLUGINS.flatMap((p) => p.flag.help),
    'Exit codes: 0 ok, 1 a threshold failed or a target died, 2 bad input, 3 verify failed, 130 stopped by SIGINT (Ctrl-C), 143 by SIGTERM.',
  ].join('\n'),
  options: {
    runtime: { type: 'string' },
    targets: { type: 'string' },
    out: { type: 'string' },
    'skip-verify': { type: 'boolean' },
    loadgens: { type: 'string' },
    trials: { type: 'string' },
    precision: { type: 'string' },
    'allow-busy': { type: 'boolean' },
    ...Object.fromEntries(STEP_PLUGINS.map((p) => [p.flag.name, { type: 'boolean' as const }])),
  },
  allowPositionals: true,
  async run(values, positionals) {
    if (positionals.length !== 1) throw new LabError(`lab run takes exactly one scenario (a file or a name), got ${positionals.length}\n\n${runCommand.usage}`);
    const kind = parseRuntimeKind(stringFlag(values, 'runtime'));
    const loadgens = parseLoadgens(stringFlag(values, 'loadgens'));
    const trials = trialFlags(values);
    const known = knownTargets();
    // A tour is a list of scenarios run in order (loadgen/scenarios/tour.yaml); each part sets its own plugin keys.
    const tour = isTourFile(positionals[0]!) ? loadTour(positionals[0]!, { knownTargets: known }) : undefined;
    const flagged = STEP_PLUGINS.find((p) => values[p.flag.name] === true);
    if (tour && flagged) throw new LabError(`--${flagged.flag.name} applies to a scenario, not to the tour ${tour.name}: set it in the tour's parts`);
    const scenario = tour ?? STEP_PLUGINS.reduce((s, p) => withPlugin(s, p, values[p.flag.name] === true), loadScenario(positionals[0]!, { knownTargets: known }));
    const override = listFlag(values, 'targets');
    if (override) {
      if (override.length === 0) throw new LabError('--targets needs at least one name');
      const unknown = known ? override.filter((t) => !known.includes(t)) : [];
      if (unknown.length) throw new LabError(`--targets: unknown target${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${known!.join(', ')})`);
    }
    const targets = override ?? (scenario.targets === 'all' ? undefined : scenario.targets);

    // Ctrl-C / SIGTERM at any moment (starting, verifying, a step, rendering): the load stops, the
    // completed steps are written, every process the lab started stops (runtime/lab-stop.ts).
    const metrics = await serveLoadgenMetrics(LAB_WEB_PORT + portOffset());
    console.error(metrics.note);
    const stop = ownStop();
    let runtime: LabRuntime | undefined;
    const code = await (async (): Promise<number> => {
      try {
        runtime = await stop.race(openRuntime({ kind, targets, supervise: true, onEvent: (e) => console.error(formatLabEvent(e)) }));
        for (const u of runtime.unavailable) console.error(`unavailable: ${u.name}: ${u.reason}${u.hint ? `\n  fix: ${u.hint}` : ''}`);
        if (runtime.targets.length === 0) throw new LabError('no target is running: nothing to measure', EXIT.verifyFailed);
        if (values['skip-verify'] === true) console.error('verify skipped (--skip-verify): the results are not checked against the contract');
        else {
          console.error(`verifying ${runtime.targets.map((t) => t.name).join(', ')} ...`);
          const report = await stop.race(verifyTargets(runtime, { targets: runtime.targets.map((t) => t.name) }));
          if (!report.ok) {
            console.log(formatVerifyReport(report, { colour: process.stdout.isTTY === true }));
            throw new LabError('verify failed: fix the target (or leave it out with --targets) before measuring it', EXIT.verifyFailed);
          }
          console.error('verify: ok');
        }

        // The executor's view says the columns; every view may add to a step's line. A tour announces each part.
        let display: ProgressDisplay | undefined;
        const announce = (s: Scenario) => {
          display?.stop();
          const table = executorFor(s.executor).view.console!;
          display = new ProgressDisplay(table);
          console.log(`\n${s.name}: ${s.executor}, steps ${s.steps.join(', ')}, ${s.durationS}s each (+${s.warmupS}s warmup, ${s.cooldownS}s cooldown)`);
          console.log(consoleHeader(table));
        };
        const runOpts = {
          outDir: stringFlag(values, 'out'),
          targets,
          signal: stop.signal,
          onProgress: (p: RunProgress) => display?.update(p),
          onNote: (m: string) => console.error(`note: ${m}`),
          loadgens,
          ...trials,
        };
        if (!tour) announce(scenario as Scenario);
        const outcome = tour ? await runTour(runtime, tour, { ...runOpts, onPart: announce }) : await runScenario(runtime, scenario as Scenario, runOpts);
        display?.stop();

        console.log(`\nresults: ${outcome.dir}`);
        for (const c of outcome.checks) {
          console.log(`threshold ${c.passed ? 'PASS' : 'FAIL'} ${c.threshold}${c.failures.length ? `: ${c.failures.slice(0, 5).join('; ')}${c.failures.length > 5 ? ` (+${c.failures.length - 5} more)` : ''}` : ''}`);
        }
        for (const f of outcome.failedTargets) console.error(`Error: target ${f.name} failed: ${f.reason}`);
        const signal = stopRequested();
        if (signal) return exitCodeFor(signal);
        if (outcome.failedTargets.length) return EXIT.threshold;
        return outcome.checks.every((c) => c.passed) ? EXIT.ok : EXIT.threshold;
      } catch (err) {
        if (err instanceof StopRequested) return exitCodeFor(err.signal);
        throw err;
      } finally {
        // On a stop, also a runtime still starting its rows (the race above left it behind).
        if (stopRequested()) await stopAll();
        else await runtime?.stop().catch((err: Error) => console.error(`could not stop every service: ${err.message}`));
        await metrics.close();
        stop.release();
        if (stopRequested()) console.error('lab stopped.');
      }
    })();
    // A signal that came while the services stopped (after the run wrote everything) is still a stop.
    const late = stopRequested();
    return late ? exitCodeFor(late) : code;
  },
};

/**
 * A step plugin's flag (`--cross-check`) on top of the scenario's own key (`cross_check`); the
 * plugin's tool (wrk) must be there before anything starts.
 */
function withPlugin(scenario: Scenario, plugin: StepPlugin, flag: boolean): Scenario {
  if (flag && !executorFor(scenario.executor).stepPlugins?.includes(plugin.name)) {
    throw new LabError(`--${plugin.flag.name} applies to ${executorsTaking(plugin.name).join(', ')} scenarios only (${scenario.name} uses ${scenario.executor})`);
  }
  const s = flag ? plugin.enable(scenario) : scenario;
  if (plugin.enabled(s)) {
    try {
      plugin.preflight?.();
    } catch (err) {
      throw new LabError((err as Error).message);
    }
  }
  return s;
}

function executorsTaking(name: string): string[] {
  return EXECUTOR_NAMES.filter((n) => executorFor(n).stepPlugins?.includes(name));
}

/** Names of the implementations under services/, for scenario validation; undefined if discovery fails (runtime will say why). */
function knownTargets(): string[] | undefined {
  try {
    return implementationsOf(discoverServices()).map((m) => m.name);
  } catch {
    return undefined;
  }
}

/** A cli-progress bar per step on a terminal (none when piped), then one table row per step. */
class ProgressDisplay {
  private bar: cliProgress.SingleBar | undefined;
  private key = '';

  constructor(private readonly table: ConsoleTable) {}

  update(p: RunProgress): void {
    if (p.phase === 'step-done' && p.result) {
      this.stop();
      // One line per trial: its own figures, and which trial it was.
      console.log(stepConsoleLine(p.target, p.result, this.table, trialSuffix(p)));
      return;
    }
    if (p.phase === 'target-failed') {
      this.stop();
      console.log(`${p.target}: ${p.message}`);
      return;
    }
    if (!process.stderr.isTTY || p.phase === 'starting' || p.phase === 'done') return;
    const key = `${p.target}/${p.index}/${p.trial ?? 1}/${p.phase}`;
    const total = Math.max(1, Math.round(p.phaseSeconds * 10));
    const payload = { label: `${p.target} ${p.step} (${p.index + 1}/${p.total})${(p.trials ?? 1) > 1 ? ` trial ${p.trial}/${p.trials}` : ''} ${p.phase}`, rps: p.rps === undefined ? '-' : p.rps.toFixed(0) };
    if (key !== this.key) {
      this.stop();
      this.key = key;
      this.bar = new cliProgress.SingleBar(
        { format: '{label} [{bar}] {elapsed_s}/{total_s}s  {rps} req/s', stream: process.stderr, clearOnComplete: true, hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(total, 0, { ...payload, elapsed_s: '0.0', total_s: p.phaseSeconds.toFixed(1) });
    }
    this.bar?.update(Math.round(p.elapsed * 10), { ...payload, elapsed_s: p.elapsed.toFixed(1), total_s: p.phaseSeconds.toFixed(1) });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
    this.key = '';
  }
}

/** --trials N, --precision P, --allow-busy: checked as the scenario's keys are (model/trials.ts). */
function trialFlags(values: CommandValues): { trials?: number; precision?: number; allowBusy?: boolean } {
  const out: { trials?: number; precision?: number; allowBusy?: boolean } = {};
  const t = stringFlag(values, 'trials');
  if (t !== undefined) {
    const n = parseTrials(t);
    if (typeof n === 'string') throw new LabError(`--trials ${n}`, EXIT.badInput);
    out.trials = n;
  }
  const p = stringFlag(values, 'precision');
  if (p !== undefined) {
    const n = parsePrecision(p);
    if (typeof n === 'string') throw new LabError(`--precision: ${n}`, EXIT.badInput);
    out.precision = n;
  }
  if (values['allow-busy'] === true) out.allowBusy = true;
  return out;
}

/** --loadgens K: an integer from 1 to 64 (each generator is a process, or a swarm task). */
export function parseLoadgens(value: string | undefined): number {
  if (value === undefined) return 1;
  const k = Number(value);
  if (!/^\d+$/.test(value) || k < 1 || k > 64) throw new LabError(`--loadgens must be an integer from 1 to 64, got '${value}'`, EXIT.badInput);
  return k;
}
