import { CONTRACT } from '@concurrency-lab/contract-ts';
import type { CheckContext, CheckGroup } from '../types.js';
import { httpGet, httpRequest, show } from '../http-client.js';
import { LineConnection } from '../line-client.js';
import { echoUrl, expectedEcho } from './expected.js';

async function currentUpstreamConfig(ctx: CheckContext): Promise<Record<string, unknown> | undefined> {
  const res = await httpGet(`${ctx.upstream.httpUrl}/admin/config`);
  if (res.status !== 200) return undefined;
  try { return JSON.parse(res.body) as Record<string, unknown>; } catch { return undefined; }
}

async function setUpstreamConfig(ctx: CheckContext, config: Record<string, unknown>): Promise<void> {
  const url = `${ctx.upstream.httpUrl}/admin/config`;
  const res = await httpRequest(url, { method: 'POST', body: JSON.stringify(config) });
  if (res.status < 200 || res.status >= 300) throw new Error(`POST ${url} answered ${res.status} ${show(res.body)}`);
}

/** The upstream's injected error is a 500 (contract/README.md): every row says the same words. */
const BODY_502 = CONTRACT.upstream_failure.error_status.replace('{status}', '500');

/** error_rate=1 on the upstream: 502 over HTTP, an `error:` line that leaves the connection usable. */
export const upstreamErrorChecks: CheckGroup = async (ctx) => {
  const { target, upstream, record } = ctx;
  const previous = await currentUpstreamConfig(ctx);
  const restore = previous ?? { error_rate: 0 };
  const afterExpected = await expectedEcho(upstream, 'hello again');
  const conn = target.line ? await LineConnection.connect(target.line.host, target.line.port) : undefined;
  try {
    await setUpstreamConfig(ctx, { ...(previous ?? {}), error_rate: 1 });
    const url = echoUrl(target, { text: 'doomed', delay_ms: '0' });
    const res = await httpGet(url);
    if (res.status === 502 && res.body === BODY_502) record('upstream-error.http', 'pass', `502 ${show(res.body.trim(), 80)}`, url);
    else record('upstream-error.http', 'fail', `upstream erroring: expected 502 ${show(BODY_502)} (contract.json upstream_failure), got ${res.status} ${show(res.body)}`, url);
    if (conn) {
      conn.write('doomed\n');
      const line = await conn.readLine().catch((err: Error) => `(${err.message})`);
      if (line !== BODY_502) record('upstream-error.line', 'fail', `upstream erroring: expected ${show(BODY_502)}, got ${show(line)}`, conn.address);
      else record('upstream-error.line', 'pass', show(line.trim(), 80), conn.address);
    }
  } finally {
    await setUpstreamConfig(ctx, restore);
    if (!previous) record('upstream-error.restore', 'warn', `GET /admin/config failed: restored error_rate=0 only`, `${upstream.httpUrl}/admin/config`);
  }
  if (conn) {
    try {
      conn.write('hello again\n');
      const line = await conn.readLine();
      // Only judge "still usable" when the error line itself passed (one failure, one message).
      if (line === afterExpected) record('upstream-error.line-recovers', 'pass', 'connection still usable after the error', conn.address);
      else record('upstream-error.line-recovers', 'fail', `after the error line, expected ${show(afterExpected)}, got ${show(line)}`, conn.address);
    } catch (err) {
      record('upstream-error.line-recovers', 'fail', `connection unusable after an upstream error: ${(err as Error).message}`, conn.address);
    } finally {
      conn.close();
    }
  }
};

/** A fetch slower than UPSTREAM_TIMEOUT_MS must end in 504, not a hang. */
export const upstreamTimeoutChecks: CheckGroup = async ({ target, record }) => {
  const timeoutMs = target.upstreamTimeoutMs;
  if (timeoutMs === undefined) {
    record('upstream-timeout.http', 'warn', 'UPSTREAM_TIMEOUT_MS of this service is unknown (the lab did not start it): 504 path not checked');
    return;
  }
  const delay = timeoutMs + 500;
  const url = echoUrl(target, { text: 'slow', delay_ms: String(delay) });
  const res = await httpRequest(url, { timeoutMs: delay + 5000 }).catch((err: Error) => ({ status: 0, body: err.message, headers: {} }));
  const body = CONTRACT.upstream_failure.timeout.replace('{timeout_ms}', String(timeoutMs));
  if (res.status === 504 && res.body === body) record('upstream-timeout.http', 'pass', `504 after UPSTREAM_TIMEOUT_MS=${timeoutMs}`, url);
  else record('upstream-timeout.http', 'fail', `delay_ms ${delay} > UPSTREAM_TIMEOUT_MS ${timeoutMs}: expected 504 ${show(body)} (contract.json upstream_failure), got ${res.status} ${show(res.body)}`, url);
};
