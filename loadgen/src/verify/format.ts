import type { CheckStatus, VerifyReport } from './types.js';

const COLOURS: Record<CheckStatus, string> = { pass: '\x1b[32m', warn: '\x1b[33m', fail: '\x1b[31m' };

function paint(status: CheckStatus, text: string, colour: boolean): string {
  return colour ? `${COLOURS[status]}${text}\x1b[0m` : text;
}

/** A check x target table, then every failure and warning with its message and URL. */
export function formatVerifyReport(report: VerifyReport, opts: { colour?: boolean } = {}): string {
  const colour = opts.colour ?? false;
  const out: string[] = [];
  const checks: string[] = [];
  for (const t of report.targets) for (const c of t.checks) if (!checks.includes(c.check)) checks.push(c.check);
  if (report.targets.length > 0) {
    const firstWidth = Math.max(5, ...checks.map((c) => c.length));
    const widths = report.targets.map((t) => Math.max(4, t.name.length));
    out.push(['check'.padEnd(firstWidth), ...report.targets.map((t, i) => t.name.padEnd(widths[i]!))].join('  '));
    out.push(['-'.repeat(firstWidth), ...widths.map((w) => '-'.repeat(w))].join('  '));
    for (const check of checks) {
      const cells = report.targets.map((t, i) => {
        const found = t.checks.filter((c) => c.check === check);
        const worst = found.find((c) => c.status === 'fail') ?? found.find((c) => c.status === 'warn') ?? found[0];
        const text = (worst?.status ?? '-').padEnd(widths[i]!);
        return worst ? paint(worst.status, text, colour) : text;
      });
      out.push([check.padEnd(firstWidth), ...cells].join('  '));
    }
  } else {
    out.push('No running target to verify.');
  }
  const problems = report.targets.flatMap((t) => t.checks.filter((c) => c.status !== 'pass'));
  if (problems.length > 0) {
    out.push('');
    for (const p of problems) {
      out.push(`${paint(p.status, p.status.toUpperCase(), colour)} ${p.target} ${p.check}: ${p.message}${p.url ? `\n     at ${p.url}` : ''}`);
    }
  }
  if (report.unavailable.length > 0) {
    out.push('');
    for (const u of report.unavailable) {
      out.push(`${u.required ? paint('fail', 'UNAVAILABLE', colour) : paint('warn', 'unavailable', colour)} ${u.name}: ${u.reason}${u.hint ? `\n     fix: ${u.hint}` : ''}`);
    }
  }
  const counts = { pass: 0, warn: 0, fail: 0 };
  for (const t of report.targets) for (const c of t.checks) counts[c.status]++;
  out.push('');
  out.push(`verify: ${report.ok ? 'OK' : 'FAILED'}: ${report.targets.length} target(s), ${counts.pass} pass, ${counts.warn} warn, ${counts.fail} fail in ${(report.durationMs / 1000).toFixed(1)} s`);
  return out.join('\n');
}
