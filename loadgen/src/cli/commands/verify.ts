import type { Command } from '../command.js';
import { listFlag, stringFlag } from '../command.js';
import { EXIT, LabError } from '../../core/errors.js';
import { formatLabEvent, openRuntime, RUNTIME_KINDS, type RuntimeKind } from '../../runtime/index.js';
import { formatVerifyReport, verifyTargets } from '../../verify/index.js';

export function parseRuntimeKind(value: string | undefined): RuntimeKind {
  const kind = value ?? 'local';
  if (!(RUNTIME_KINDS as readonly string[]).includes(kind)) throw new LabError(`--runtime must be one of ${RUNTIME_KINDS.join(', ')}, got '${kind}'`, EXIT.badInput);
  return kind as RuntimeKind;
}

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'check every target against the contract (contract/README.md: bodies, line protocol, bad input, metrics) before benchmarking',
  usage: [
    'Usage: lab verify [--runtime local|docker|swarm] [--targets a,b] [--json]',
    '',
    'Starts (or attaches to already running) upstream and targets, runs every check, stops what it started.',
    '  --runtime   local (default: processes on 127.0.0.1), docker or swarm (a manager of the stack docker-stack.yml)',
    '  --targets   comma-separated implementation names (default: all)',
    '  --json      print the machine-readable report instead of the table',
    'Exit codes: 0 nothing failed (warnings allowed), 2 bad input, 3 a check failed or a named target is unavailable.',
  ].join('\n'),
  options: {
    runtime: { type: 'string' },
    targets: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values) {
    const kind = parseRuntimeKind(stringFlag(values, 'runtime'));
    const targets = listFlag(values, 'targets');
    const json = values.json === true;
    // With --json, stdout carries only the report: progress goes to stderr.
    const runtime = await openRuntime({ kind, targets, onEvent: (e) => console.error(formatLabEvent(e)) });
    let report;
    try {
      report = await verifyTargets(runtime, {
        targets,
        onCheck: json ? undefined : (r) => { if (r.status === 'fail') console.error(`  ${r.target} ${r.check}: FAIL`); },
      });
    } finally {
      await runtime.stop();
    }
    if (json) console.log(JSON.stringify(report, null, 2));
    else console.log(formatVerifyReport(report, { colour: process.stdout.isTTY === true }));
    return report.ok ? EXIT.ok : EXIT.verifyFailed;
  },
};
