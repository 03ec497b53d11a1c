import cliProgress from 'cli-progress';
import type { Command } from '../command.js';
import { listFlag, stringFlag } from '../command.js';
import { EXIT, LabError } from '../../core/errors.js';
import { discoverServices, implementationsOf } from '../../core/manifest/index.js';
import { serveLoadgenMetrics } from '../../observe/loadgen-metrics-server.js';
import { fidelity, errorPercent } from '../../results/derived.js';
import { stepOverheads, type ModedOverhead } from '../../results/overhead-modes.js';
import type { StepResult } from '../../results/types.js';
import { formatLabEvent, openRuntime } from '../../runtime/index.js';
import { claimSignals } from '../../runtime/local/process-group.js';
import { LAB_WEB_PORT, portOffset } from '../../runtime/ports.js';
import type { LabRuntime } from '../../runtime/types.js';
import { runScenario, type RunProgress } from '../../scenario-run/run-scenario.js';
import { findWrk, WRK_INSTALL_HINT } from '../../executors/wrk.js';
import { loadScenario } from '../../scenario/load.js';
import type { Scenario } from '../../scenario/types.js';
import { formatBytes, formatMs } from '../../core/units.js';
import { formatVerifyReport, verifyTargets } from '../../verify/index.js';
import { parseRuntimeKind } from './verify.js';

export const EXIT_INTERRUPTED = 130;

export const runCommand: Command = {
  name: 'run',
  summary: 'run a load scenario (verify first), write results.json/csv/summary/charts after every step',
  usage: [
    'Usage: lab run <scenario.yaml | name> [--runtime local|docker|swarm] [--targets a,b] [--out DIR] [--skip-verify] [--cross-check]',
    '',
    'Runs a scenario (a file, or a name from loadgen/scenarios: io-ramp, line-ramp, overhead,',
    'idle-connections, cpu-bound, quick) against every target it names, verifying them first.',
    '  --runtime      local (default: processes on 127.0.0.1), docker or swarm',
    '  --targets      comma-separated implementation names; overrides the scenario\'s targets',
    '  --out          folder for the run folder <UTC time>_<scenario>/ (default: ./results)',
    '  --skip-verify  measure without checking the contract first (for quick experiments only)',
    '  --cross-check  connections-sweep: after each step, drive the same step with wrk and record',
    '                 lab/wrk (flagged under 0.9); the same as `cross_check: true` in the scenario',
    'Exit codes: 0 ok, 1 a threshold failed or a target died, 2 bad input, 3 verify failed, 130 interrupted.',
  ].join('\n'),
  options: {
    runtime: { type: 'string' },
    targets: { type: 'string' },
    out: { type: 'string' },
    'skip-verify': { type: 'boolean' },
    'cross-check': { type: 'boolean' },
  },
  allowPositionals: true,
  async run(values, positionals) {
    if (positionals.length !== 1) throw new LabError(`lab run takes exactly one scenario (a file or a name), got ${positionals.length}\n\n${runCommand.usage}`);
    const kind = parseRuntimeKind(stringFlag(values, 'runtime'));
    const known = knownTargets();
    const scenario = withCrossCheck(loadScenario(positionals[0]!, { knownTargets: known }), values['cross-check'] === true);
    const override = listFlag(values, 'targets');
    if (override) {
      if (override.length === 0) throw new LabError('--targets needs at least one name');
      const unknown = known ? override.filter((t) => !known.includes(t)) : [];
      if (unknown.length) throw new LabError(`--targets: unknown target${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${known!.join(', ')})`);
    }
    const targets = override ?? (scenario.targets === 'all' ? undefined : scenario.targets);

    const abort = new AbortController();
    let interrupts = 0;
    const onSigint = () => {
      interrupts++;
      if (interrupts === 1) {
        console.error('\nInterrupted: stopping load, writing what was measured, stopping services (Ctrl-C again to quit at once).');
        abort.abort();
      } else process.exit(EXIT_INTERRUPTED);
    };
    // The run stops its own load and services on Ctrl-C (and writes what it has) instead of
    // the runtime's emergency stop, which exits at once.
    const releaseSignals = claimSignals();
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigint);

    const metrics = await serveLoadgenMetrics(LAB_WEB_PORT + portOffset());
    console.error(metrics.note);
    let runtime: LabRuntime | undefined;
    try {
      runtime = await openRuntime({ kind, targets, onEvent: (e) => console.error(formatLabEvent(e)) });
      for (const u of runtime.unavailable) console.error(`unavailable: ${u.name}: ${u.reason}${u.hint ? `\n  fix: ${u.hint}` : ''}`);
      if (runtime.targets.length === 0) throw new LabError('no target is running: nothing to measure', EXIT.verifyFailed);
      if (abort.signal.aborted) return EXIT_INTERRUPTED;

      if (values['skip-verify'] === true) console.error('verify skipped (--skip-verify): the results are not checked against the contract');
      else {
        console.error(`verifying ${runtime.targets.map((t) => t.name).join(', ')} ...`);
        const report = await verifyTargets(runtime, { targets: runtime.targets.map((t) => t.name) });
        if (!report.ok) {
          console.log(formatVerifyReport(report, { colour: process.stdout.isTTY === true }));
          throw new LabError('verify failed: fix the target (or leave it out with --targets) before measuring it', EXIT.verifyFailed);
        }
        console.error('verify: ok');
      }
      if (abort.signal.aborted) return EXIT_INTERRUPTED;

      const table = scenario.executor === 'overhead' ? OVERHEAD_TABLE : LOAD_TABLE;
      const display = new ProgressDisplay(table);
      console.log(`\n${scenario.name}: ${scenario.executor}, steps ${scenario.steps.join(', ')}, ${scenario.durationS}s each (+${scenario.warmupS}s warmup, ${scenario.cooldownS}s cooldown)`);
      console.log(table.header);
      const outcome = await runScenario(runtime, scenario, {
        outDir: stringFlag(values, 'out'),
        targets,
        signal: abort.signal,
        onProgress: (p) => display.update(p),
        onNote: (m) => console.error(`note: ${m}`),
      });
      display.stop();

      console.log(`\nresults: ${outcome.dir}`);
      for (const c of outcome.checks) {
        console.log(`threshold ${c.passed ? 'PASS' : 'FAIL'} ${c.threshold}${c.failures.length ? `: ${c.failures.slice(0, 5).join('; ')}${c.failures.length > 5 ? ` (+${c.failures.length - 5} more)` : ''}` : ''}`);
      }
      for (const f of outcome.failedTargets) console.error(`Error: target ${f.name} failed: ${f.reason}`);
      if (outcome.aborted) return EXIT_INTERRUPTED;
      if (outcome.failedTargets.length) return EXIT.threshold;
      return outcome.checks.every((c) => c.passed) ? EXIT.ok : EXIT.threshold;
    } finally {
      await runtime?.stop().catch((err: Error) => console.error(`could not stop every service: ${err.message}`));
      await metrics.close();
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
      releaseSignals();
    }
  },
};

/** `--cross-check` on top of the scenario's own `cross_check`; wrk must be there before anything starts. */
function withCrossCheck(scenario: Scenario, flag: boolean): Scenario {
  if (flag && scenario.executor !== 'connections-sweep') throw new LabError(`--cross-check applies to connections-sweep scenarios only (${scenario.name} uses ${scenario.executor})`);
  const s = flag ? { ...scenario, crossCheck: true, source: { ...scenario.source, cross_check: true } } : scenario;
  if (s.crossCheck && !findWrk()) throw new LabError(`the cross-check needs wrk, which is not on PATH: install it with \`${WRK_INSTALL_HINT}\``);
  return s;
}

/** Names of the implementations under services/, for scenario validation; undefined if discovery fails (runtime will say why). */
function knownTargets(): string[] | undefined {
  try {
    return implementationsOf(discoverServices()).map((m) => m.name);
  } catch {
    return undefined;
  }
}

/** A step table: its columns (header, width) and the cells of one finished step. */
interface StepTable {
  header: string;
  row(target: string, s: StepResult): string;
}

function stepTable(columns: [string, number][], cells: (target: string, s: StepResult) => string[], extra: (s: StepResult) => string = () => ''): StepTable {
  return {
    header: columns.map(([h, w]) => h.padEnd(w)).join(' '),
    row: (target, s) =>
      cells(target, s).map((c, i) => c.padEnd(columns[i]![1])).join(' ') + extra(s) + s.warnings.map((w) => `\n    warning: ${w}`).join(''),
  };
}

const serverCells = (s: StepResult): string[] => [
  s.server.cpu_seconds === null ? '-' : s.server.cpu_seconds.toFixed(2),
  formatBytes(s.server.rss_bytes_peak),
  s.server.os_threads_peak === null ? '-' : String(s.server.os_threads_peak),
];

/** Load executors (connections, rates, lines, idle connections): throughput against the ideal line. */
const LOAD_TABLE = stepTable(
  [['target', 18], ['load', 6], ['req/s', 9], ['ideal', 9], ['ach/ideal', 9], ['p50', 8], ['p99', 8], ['errors', 7], ['srv CPU s', 9], ['RSS', 10], ['threads', 7], ['lg CPU s', 8]],
  (target, s) => {
    const f = fidelity(s);
    return [
      target, String(s.load), s.rps.toFixed(1), s.ideal_rps === null ? '-' : s.ideal_rps.toFixed(0), f === null ? '-' : f.toFixed(2),
      formatMs(s.latency_ms.p50), formatMs(s.latency_ms.p99), `${errorPercent(s).toFixed(1)}%`,
      ...serverCells(s), `${s.loadgen.cpu_seconds.toFixed(2)}${s.loadgen.saturated ? '!' : ''}`,
    ];
  },
  (s) => (s.idle
    ? `  idle: ${s.idle.connections_open} open, ${s.idle.bytes_per_connection === null ? '-' : formatBytes(s.idle.bytes_per_connection)}/conn, ${s.idle.threads_per_connection?.toFixed(2) ?? '-'} threads/conn`
    : '') + (s.cross_check
    ? `  wrk ${s.cross_check.rps.toFixed(1)} req/s p50 ${formatMs(s.cross_check.latency_ms.p50)} p99 ${formatMs(s.cross_check.latency_ms.p99)}, lab/wrk ${s.cross_check.ratio?.toFixed(2) ?? '-'}${s.cross_check.flagged ? ' (flagged)' : ''}`
    : ''),
);

/**
 * The overhead executor: one /overhead experiment per mode per step, so elapsed against ideal,
 * not req/s; a line per mode. The server figures cover the whole step (every mode): first line only.
 */
const OVERHEAD_COLUMNS: [string, number][] = [['target', 18], ['workers', 8], ['mode', 6], ['tasks', 7], ['sleep', 6], ['elapsed', 9], ['ideal', 9], ['overhead', 9], ['srv CPU s', 9], ['RSS', 10], ['threads', 7]];
const overheadCells = (target: string, s: StepResult, o: ModedOverhead | undefined): string[] => [
  target, String(s.load), o?.mode ?? '-', o ? String(o.tasks) : '-', o ? `${o.sleep_ms}ms` : '-',
  o ? `${o.elapsed_s.toFixed(3)}s` : '-', o ? `${o.ideal_s.toFixed(3)}s` : '-', o?.overhead == null ? '-' : `${o.overhead.toFixed(2)}x`,
];
const OVERHEAD_TABLE = stepTable(
  OVERHEAD_COLUMNS,
  (target, s) => [...overheadCells(target, s, stepOverheads(s)[0]), ...serverCells(s)],
  (s) => stepOverheads(s).slice(1).map((o) => `\n${overheadCells('', s, o).map((c, i) => c.padEnd(OVERHEAD_COLUMNS[i]![1])).join(' ').trimEnd()}`).join(''),
);

/** A cli-progress bar per step on a terminal (none when piped), then one table row per step. */
class ProgressDisplay {
  private bar: cliProgress.SingleBar | undefined;
  private key = '';

  constructor(private readonly table: StepTable) {}

  update(p: RunProgress): void {
    if (p.phase === 'step-done' && p.result) {
      this.stop();
      console.log(this.table.row(p.target, p.result));
      return;
    }
    if (p.phase === 'target-failed') {
      this.stop();
      console.log(`${p.target}: ${p.message}`);
      return;
    }
    if (!process.stderr.isTTY || p.phase === 'starting' || p.phase === 'done') return;
    const key = `${p.target}/${p.index}/${p.phase}`;
    const total = Math.max(1, Math.round(p.phaseSeconds * 10));
    const payload = { label: `${p.target} ${p.step} (${p.index + 1}/${p.total}) ${p.phase}`, rps: p.rps === undefined ? '-' : p.rps.toFixed(0) };
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
