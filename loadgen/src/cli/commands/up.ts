import path from 'node:path';
import type { Command, CommandValues } from '../command.js';
import { listFlag, stringFlag } from '../command.js';
import { EXIT, LabError } from '../../core/errors.js';
import { discoverServices, selectTargets, upstreamOf } from '../../core/manifest/index.js';
import { formatLabEvent, openLocalRuntime, openRuntime, type LabEvent, type LabRuntime, type RuntimeKind } from '../../runtime/index.js';
import { listScenarios, scenarioFileByName } from '../../scenario/load.js';
import { LabStartup } from '../../web-server/lab-startup.js';
import type { RunProgress } from '../../scenario-run/run-scenario.js';
import type { StartRun } from '../../web-server/run-controller.js';
import { scenarioRunnerFor } from '../../web-server/scenario-runner.js';
import { StepConsole, trialSuffix } from '../../results/step-console.js';
import { startWebServer, type WebServer } from '../../web-server/server.js';
import { formatVerifyReport, verifyTargets } from '../../verify/index.js';
import { exitCodeFor, ownStop, stopAll, stopRequested, StopRequested, type OwnedStop } from '../../runtime/lab-stop.js';
import { parseRuntimeKind } from './verify.js';

function pad(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

/** name, model, HTTP URL, line address, status; then each unavailable row with its fix. */
export function formatLabTable(runtime: LabRuntime): string {
  const startedNames = new Set(((runtime as { started?: { name: string }[] }).started ?? []).map((s) => s.name));
  const statusOf = (name: string) => (startedNames.has(name) ? 'running' : 'attached');
  const rows = [['name', 'model', 'http', 'line', 'status']];
  for (const e of [runtime.upstream, ...runtime.targets]) {
    rows.push([e.name, e.manifest.model, e.httpUrl, e.line ? `${e.line.host}:${e.line.port}` : '-', statusOf(e.name)]);
  }
  for (const u of runtime.unavailable) rows.push([u.name, '', '', '', 'unavailable']);
  const lines = [pad(rows)];
  if (runtime.unavailable.length > 0) {
    lines.push('');
    for (const u of runtime.unavailable) lines.push(`unavailable ${u.name}: ${u.reason}${u.hint ? `\n    fix: ${u.hint}` : ''}`);
  }
  return lines.join('\n');
}

/**
 * Runs `start` (rows, verify, the default run), says the lab is up, and stays up until SIGINT or
 * SIGTERM. Whatever moment the signal comes, `close` runs first (the dashboard's run writes what
 * it has, then the page goes), then every process the lab started stops; resolves the exit code
 * (130 SIGINT, 143 SIGTERM). Bad input and failures still throw, after the same clean-up.
 */
async function upUntilStopped(start: (stop: OwnedStop) => Promise<void>, close: () => Promise<void>): Promise<number> {
  const stop = ownStop();
  try {
    await start(stop);
    console.log('\nlab is up. Ctrl-C (or SIGTERM) stops every service it started.');
    return exitCodeFor(await stop.requested);
  } catch (err) {
    if (err instanceof StopRequested) return exitCodeFor(err.signal);
    throw err;
  } finally {
    await close().catch((err: Error) => console.error(`while stopping: ${err.message}`));
    // A runtime still starting its rows when the signal came is stopped here too.
    if (stopRequested()) await stopAll();
    stop.release();
    if (stopRequested()) console.error('lab stopped.');
  }
}

/** The default scenario `lab up` runs once (contract/README.md, "The lab CLI"): the three-minute tour. */
export const DEFAULT_SCENARIO = 'tour';

function autorunWanted(values: CommandValues): boolean {
  if (values['no-autorun'] === true) return false;
  const env = process.env.LAB_AUTORUN;
  return !(env !== undefined && ['0', 'false', 'no', 'off'].includes(env.trim().toLowerCase()));
}

/** Wraps the page's scenario runner so that a run also reports its finished steps on the console. */
function consoleReportingRunner(runtimeOf: () => LabRuntime): StartRun {
  return (req) => {
    // Each step in its executor's columns (a tour mixes load, overhead and idle steps).
    const steps = new StepConsole('  ');
    return scenarioRunnerFor(runtimeOf())({
      ...req,
      onProgress: (event) => {
        req.onProgress(event);
        const p = event as Omit<Partial<RunProgress>, 'phase'> & { phase?: string; message?: string };
        if (p.phase === 'step-done' && p.result) {
          for (const line of steps.lines(p.target ?? '?', p.result, trialSuffix(p))) console.log(line);
        } else if (p.phase === 'target-failed') {
          console.log(`  ${p.target} failed: ${p.message ?? 'unknown reason'}`);
        } else if (p.phase === 'note' && p.message) {
          console.log(`  note: ${p.message}`);
        }
      },
    }).then((outcome) => {
      if (outcome.resultDir) console.log(`\nScenario '${req.scenario.name}' finished: results in ${outcome.resultDir}`);
      return outcome;
    });
  };
}

function runtimeKind(values: CommandValues): RuntimeKind {
  return parseRuntimeKind(stringFlag(values, 'runtime'));
}

async function openForUp(values: CommandValues, onEvent: (e: LabEvent) => void = () => {}): Promise<LabRuntime> {
  const targets = listFlag(values, 'targets');
  const log = (e: LabEvent) => {
    onEvent(e);
    console.error(formatLabEvent(e));
  };
  const kind = runtimeKind(values);
  if (kind !== 'local') return openRuntime({ kind, targets, onEvent: log });
  // A row that dies while the lab is up comes back (runtime/local/supervisor.ts).
  return openLocalRuntime({ targets, supervise: true, onEvent: log });
}

/** The upstream and the rows `lab up` will start, from the manifests (an unknown --targets name fails here, before anything starts). */
function plannedServices(values: CommandValues) {
  const manifests = discoverServices();
  return [upstreamOf(manifests), ...selectTargets(manifests, listFlag(values, 'targets'))];
}

/** `lab up` without --no-run: the dashboard first, then the rows, verify, and the default run, each shown on the page as it happens. */
async function upWithDashboard(values: CommandValues, scenarioName: string, resultsDir: string): Promise<number> {
  runtimeKind(values);
  const autorun = autorunWanted(values);
  // Bad input stops the lab before anything starts, with what would have been right.
  if (autorun && !scenarioFileByName(scenarioName)) {
    throw new LabError(`no scenario named '${scenarioName}' (--scenario or LAB_DEFAULT_SCENARIO); known: ${listScenarios().map((s) => s.name).join(', ')}`);
  }
  const startup = new LabStartup(plannedServices(values), autorun ? scenarioName : null);
  let web: WebServer | undefined;
  let runtime: LabRuntime | undefined;
  return upUntilStopped(async (stop) => {
    web = await startWebServer({ startup, resultsDir, startRun: consoleReportingRunner(() => startup.runtime!) });
    // The URL first: the page shows the rows starting and being verified from this second on.
    console.log(`Web dashboard: ${web.url}/  (lab metrics: ${web.url}/metrics)`);
    try {
      await startAndVerify(stop);
    } catch (err) {
      if (!(err instanceof StopRequested)) startup.failed((err as Error).message);
      throw err;
    }
  }, async () => {
    await web?.close();
    await runtime?.stop();
  });

  async function startAndVerify(stop: OwnedStop): Promise<void> {
    runtime = await stop.race(openForUp(values, (e) => startup.onLabEvent(e)));
    startup.attach(runtime);
    console.log(formatLabTable(runtime));
    const report = await stop.race(verifyTargets(runtime, {
      onCheck: (c) => startup.onCheck(c),
      onTarget: (name, phase, checks) => startup.onVerifyTarget(name, phase, checks),
    }));
    startup.verified();
    console.log(`\n${formatVerifyReport(report, { colour: process.stdout.isTTY === true })}`);
    const passed = report.targets.filter((t) => t.checks.every((c) => c.status !== 'fail')).map((t) => t.name);
    if (autorun) {
      if (passed.length === 0) {
        startup.autorunSkipped('no row passed verify');
        console.log('Default scenario not started: no target passed verify.');
      } else {
        if (passed.length < report.targets.length) console.log(`Targets that failed verify are left out of the default scenario.`);
        const state = web!.runs.start({ scenario: scenarioName, targets: passed });
        startup.autorunStarted(state.id);
        console.log(`Running scenario '${state.scenario}' once on ${passed.join(', ')} (watch it on ${web!.url}/).`);
      }
    }
  }
}

export const upCommand: Command = {
  name: 'up',
  summary: 'start the lab: web dashboard on :8080, services, verify, the default scenario once; until Ctrl-C',
  usage: [
    'Usage: lab up [--no-run] [--no-autorun] [--scenario NAME] [--runtime local|docker|swarm] [--targets a,b] [--out DIR]',
    '',
    'Starts the upstream and the implementations as local processes on 127.0.0.1 (ports + LAB_PORT_OFFSET),',
    'lists the unavailable ones with the command that installs what they miss, and verifies them, while',
    'the web dashboard on http://127.0.0.1:8080 (served first) shows each row starting, being verified',
    'and ready; then it runs the default scenario once (the three-minute tour) and opens its Findings.',
    'Stays up until Ctrl-C or SIGTERM, then stops every process it started.',
    '  --no-run      only the services (no verify, no dashboard, no default scenario)',
    '  --no-autorun  verify and serve the dashboard, but do not run the default scenario (also LAB_AUTORUN=0)',
    `  --scenario    the scenario to run once (default ${DEFAULT_SCENARIO}, or LAB_DEFAULT_SCENARIO)`,
    '  --runtime     local (default: start processes), docker (attach to the containers of docker compose) or swarm (to the services of docker-stack.yml, through a manager)',
    '  --targets     comma-separated implementation names (default: all)',
    '  --out         results folder (default results/)',
  ].join('\n'),
  options: {
    'no-run': { type: 'boolean' },
    'no-autorun': { type: 'boolean' },
    scenario: { type: 'string' },
    runtime: { type: 'string' },
    targets: { type: 'string' },
    out: { type: 'string' },
  },
  async run(values) {
    const scenarioName = stringFlag(values, 'scenario') ?? process.env.LAB_DEFAULT_SCENARIO ?? DEFAULT_SCENARIO;
    const resultsDir = path.resolve(stringFlag(values, 'out') ?? 'results');
    if (values['no-run'] !== true) return upWithDashboard(values, scenarioName, resultsDir);
    runtimeKind(values);
    let runtime: LabRuntime | undefined;
    return upUntilStopped(async (stop) => {
      runtime = await stop.race(openForUp(values));
      console.log(formatLabTable(runtime));
    }, async () => runtime?.stop());
  },
};
