import type { Endpoint, LabRuntime } from '../runtime/types.js';
import type { CheckContext, CheckGroup, CheckResult, CheckStatus, VerifyReport } from './types.js';
import { healthChecks } from './checks/health.js';
import { echoChecks } from './checks/echo.js';
import { lineChecks } from './checks/line.js';
import { badInputChecks } from './checks/bad-input.js';
import { overheadChecks } from './checks/overhead.js';
import { upstreamErrorChecks, upstreamTimeoutChecks } from './checks/upstream-failure.js';
import { disconnectChecks } from './checks/disconnect.js';
import { nagleChecks } from './checks/nagle.js';
import { cpuMsChecks } from './checks/cpu-ms.js';
import { limitsChecks } from './checks/limits.js';
import { metricsChecks, requestCounts, scrape, type RequestCounts } from './checks/metrics.js';

export interface VerifyOptions {
  /** Only these targets (default: every running target of the runtime). */
  targets?: string[];
  /** Called after each check, e.g. to show progress. */
  onCheck?: (result: CheckResult) => void;
  /** Called when a target's checks begin and when they are all done (targets go one at a time). */
  onTarget?: (name: string, phase: 'start' | 'done', checks: CheckResult[]) => void;
}

/** Runs a group; an exception (refused connection, timeout) fails that group with its message. */
async function runGroup(name: string, group: CheckGroup, ctx: CheckContext): Promise<void> {
  try {
    await group(ctx);
  } catch (err) {
    ctx.record(name, 'fail', `could not run: ${(err as Error).message}`, ctx.target.httpUrl);
  }
}

async function verifyOne(target: Endpoint, upstream: Endpoint, onCheck: VerifyOptions['onCheck']): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const ctx: CheckContext = {
    target,
    upstream,
    record(check: string, status: CheckStatus, message: string, url?: string) {
      const result: CheckResult = { target: target.name, check, status, message, url };
      results.push(result);
      onCheck?.(result);
    },
  };
  let before: RequestCounts | undefined;
  try { before = requestCounts((await scrape(target)).samples); } catch { /* metrics checks report it */ }

  // The 504 check waits UPSTREAM_TIMEOUT_MS: let it run beside the checks that do not touch
  // the upstream's config; it is awaited before anything that reads the in-flight gauges.
  const timeout = runGroup('upstream-timeout.http', upstreamTimeoutChecks, ctx);
  await runGroup('healthz', healthChecks, ctx);
  await runGroup('echo', echoChecks, ctx);
  await runGroup('line', lineChecks, ctx);
  await runGroup('bad-input', badInputChecks, ctx);
  await runGroup('limits', limitsChecks, ctx);
  await runGroup('overhead', overheadChecks, ctx);
  await runGroup('cpu-ms', cpuMsChecks, ctx);
  await runGroup('upstream-error', upstreamErrorChecks, ctx);
  await timeout;
  await runGroup('disconnect.no-leak', disconnectChecks, ctx);
  await runGroup('nagle', nagleChecks, ctx);
  await runGroup('metrics', (c) => metricsChecks(c, before), ctx);
  return results;
}

/**
 * TechEmpower-style verification: every point of contract/README.md against each target, one
 * target at a time (the upstream-error check changes the shared upstream's config).
 */
export async function verifyTargets(runtime: LabRuntime, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const started = Date.now();
  const wanted = opts.targets;
  const targets = runtime.targets.filter((t) => !wanted || wanted.includes(t.name));
  const report: VerifyReport = {
    ok: true,
    runtime: runtime.kind,
    startedAt: new Date(started).toISOString(),
    durationMs: 0,
    targets: [],
    unavailable: runtime.unavailable
      .filter((u) => !wanted || wanted.includes(u.name))
      .map((u) => ({ ...u, required: wanted !== undefined })),
  };
  for (const target of targets) {
    opts.onTarget?.(target.name, 'start', []);
    const checks = await verifyOne(target, runtime.upstream, opts.onCheck);
    report.targets.push({ name: target.name, checks });
    opts.onTarget?.(target.name, 'done', checks);
  }
  const failed = report.targets.some((t) => t.checks.some((c) => c.status === 'fail'));
  // A target asked for by name that is not running cannot be called verified.
  report.ok = !failed && !report.unavailable.some((u) => u.required);
  report.durationMs = Date.now() - started;
  return report;
}
