import type { Command } from '../command.js';
import { listFlag } from '../command.js';
import { EXIT } from '../errors.js';
import { formatLabEvent, openLocalRuntime, type LabRuntime, type LocalRuntimeOptions } from '../../runtime/index.js';
import { formatVerifyReport, verifyTargets, type VerifyReport } from '../../verify/index.js';
import { claimSignals } from '../../runtime/local/processGroup.js';

export interface StartLabOptions extends Omit<LocalRuntimeOptions, 'onEvent'> {
  /** Where progress lines go (default console.error; the table goes to console.log). */
  log?: (line: string) => void;
}

/** Starts (or attaches to) the upstream and the chosen implementations as local processes. */
export async function startLab(opts: StartLabOptions = {}): Promise<LabRuntime> {
  const log = opts.log ?? ((line: string) => console.error(line));
  return openLocalRuntime({ ...opts, onEvent: (e) => log(formatLabEvent(e)) });
}

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

/** Resolves once SIGINT or SIGTERM arrived and every process the lab started is stopped. */
export function stayUpUntilSignal(runtime: LabRuntime, log: (line: string) => void = (l) => console.error(l)): Promise<NodeJS.Signals> {
  const release = claimSignals();
  return new Promise((resolve, reject) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        log(`${signal} again: still stopping (services get up to 10 s to finish in-flight work)`);
        return;
      }
      stopping = true;
      log(`${signal}: stopping the lab...`);
      runtime.stop().then(() => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        release();
        log('lab stopped.');
        resolve(signal);
      }, reject);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

export const upCommand: Command = {
  name: 'up',
  summary: 'start the upstream and every available implementation locally and keep them up until Ctrl-C',
  usage: [
    'Usage: lab up [--no-run] [--targets a,b]',
    '',
    'Starts the upstream and the implementations as local processes on 127.0.0.1 (ports + LAB_PORT_OFFSET),',
    'lists the unavailable ones with the command that installs what they miss, and stays up until',
    'Ctrl-C or SIGTERM, then stops every process it started.',
    '  --no-run    only the services (no verify, no dashboard, no default scenario)',
    '  --targets   comma-separated implementation names (default: all)',
  ].join('\n'),
  options: {
    'no-run': { type: 'boolean' },
    targets: { type: 'string' },
  },
  async run(values) {
    const noRun = values['no-run'] === true;
    const runtime = await startLab({ targets: listFlag(values, 'targets') });
    let report: VerifyReport | undefined;
    try {
      console.log(formatLabTable(runtime));
      if (!noRun) {
        report = await verifyTargets(runtime);
        console.log(`\n${formatVerifyReport(report, { colour: process.stdout.isTTY === true })}`);
        console.log('\nThe web dashboard and the default scenario are not wired into `lab up` yet: the services stay up for `lab run` / `lab verify` from another terminal.');
      }
    } catch (err) {
      await runtime.stop();
      throw err;
    }
    console.log('\nlab is up. Ctrl-C (or SIGTERM) stops every service it started.');
    await stayUpUntilSignal(runtime);
    return EXIT.ok;
  },
};
