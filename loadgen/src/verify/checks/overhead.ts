import http from 'node:http';
import { LIMITS } from '@concurrency-lab/contract-ts';
import type { CheckGroup, CheckContext } from '../types.js';
import { httpGet, httpRequest, show, type HttpAnswer } from '../http-client.js';

const FIELDS = ['workers', 'tasks', 'sleep_ms', 'elapsed_s', 'ideal_s', 'overhead'] as const;
const QUERY = 'workers=4&tasks=20&sleep_ms=5';

/** One /overhead answer: JSON shape, the parameters and the mode echoed back, a sane ratio.
 *  `mode` undefined: the URL gives none and the answer must say the default, 'pool'. */
async function checkResult(ctx: CheckContext, check: string, mode: 'pool' | 'spawn' | undefined): Promise<void> {
  const { target, record } = ctx;
  const url = `${target.httpUrl}/overhead?${QUERY}${mode ? `&mode=${mode}` : ''}`;
  const expected = mode ?? 'pool';
  const res = await httpGet(url, 30_000);
  let data: Record<string, unknown> | undefined;
  try { data = JSON.parse(res.body) as Record<string, unknown>; } catch { /* reported below */ }
  if (res.status !== 200 || !data) {
    record(check, 'fail', `expected 200 JSON, got ${res.status} ${show(res.body)}`, url);
    return;
  }
  const missing = FIELDS.filter((f) => typeof data![f] !== 'number');
  const overhead = data.overhead as number;
  const ideal = data.ideal_s as number;
  const setup = setupProblem(data, expected);
  if (missing.length > 0) record(check, 'fail', `missing or non-numeric fields: ${missing.join(', ')}`, url);
  else if (data.workers !== 4 || data.tasks !== 20 || data.sleep_ms !== 5) record(check, 'fail', `parameters not echoed back: ${show(res.body)}`, url);
  else if (data.mode !== expected) record(check, 'fail', `mode should be '${expected}'${mode ? '' : ' (the default)'}, got ${JSON.stringify(data.mode)}`, url);
  else if (Math.abs(ideal - 0.025) > 1e-6) record(check, 'fail', `ideal_s should be 5 ms * 20 / 4 = 0.025, got ${ideal}`, url);
  // setup_s (issue 18 item 7, the seed's clock): every row reports it, so a row without it fails.
  else if (setup) record(check, 'fail', `${expected}: ${setup} (contract/README.md, /overhead)`, url);
  // Elapsed can never beat the ideal; a little under 1 is timer rounding, more is a wrong clock.
  else if (overhead >= 1) record(check, 'pass', `${expected}: overhead ${overhead.toFixed(2)} (elapsed ${(data.elapsed_s as number).toFixed(3)} s)`, url);
  else if (overhead >= 0.95) record(check, 'warn', `${expected}: overhead ${overhead.toFixed(3)} is below 1 (timer rounding?)`, url);
  else record(check, 'fail', `${expected}: overhead ${overhead} < 0.95: elapsed is shorter than the ideal, the measurement is wrong`, url);
}

/** Why the answer's setup_s breaks the contract: a number >= 0, 0 in spawn mode; '' when it is right. */
function setupProblem(data: Record<string, unknown>, mode: 'pool' | 'spawn'): string {
  const setup = data.setup_s;
  if (typeof setup !== 'number' || !(setup >= 0)) return `setup_s should be the seconds spent starting the pool before the clock, got ${JSON.stringify(setup)}`;
  if (mode === 'spawn' && setup !== 0) return `setup_s should be 0 in spawn mode (no pool is started before the clock), got ${setup}`;
  return '';
}

async function checkBad(ctx: CheckContext, check: string, query: string, what: string, word: RegExp): Promise<void> {
  const url = `${ctx.target.httpUrl}/overhead?${query}`;
  const res = await httpGet(url);
  if (res.status !== 400) ctx.record(check, 'fail', `expected 400 for ${what}, got ${res.status} ${show(res.body)}`, url);
  else if (!/^[^\n]+\n?$/.test(res.body) || !word.test(res.body)) ctx.record(check, 'fail', `400 for ${what}, but the reason should be one line naming ${word.source}: ${show(res.body)}`, url);
  else ctx.record(check, 'pass', `400 for ${what}`, url);
}

/**
 * Two runs one after the other on one keep-alive connection: both answered, the second as the
 * first (a row that kept a finished run's state in the connection hung on the second).
 */
async function checkKeepAlive(ctx: CheckContext, check: string): Promise<void> {
  const url = `${ctx.target.httpUrl}/overhead?${QUERY}`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const answers: HttpAnswer[] = [];
    for (let i = 0; i < 2; i++) answers.push(await httpRequest(url, { agent, timeoutMs: 30_000 }));
    const [a, b] = answers;
    if (a!.status !== 200 || b!.status !== 200) ctx.record(check, 'fail', `expected 200 twice on one connection, got ${a!.status} then ${b!.status} ${show(b!.body)}`, url);
    else if (!b!.reused) ctx.record(check, 'pass', 'both runs answered (the row closed the connection between them)', url);
    else ctx.record(check, 'pass', 'two runs answered on one keep-alive connection', url);
  } catch (err) {
    ctx.record(check, 'fail', `the second run on one keep-alive connection: ${(err as Error).message}`, url);
  } finally {
    agent.destroy();
  }
}

export const overheadChecks: CheckGroup = async (ctx) => {
  await checkResult(ctx, 'overhead.result', undefined);
  await checkResult(ctx, 'overhead.result.pool', 'pool');
  await checkResult(ctx, 'overhead.result.spawn', 'spawn');
  await checkKeepAlive(ctx, 'overhead.keep-alive');
  const tooFew = `workers=${LIMITS.overhead.workers.min - 1}`;
  await checkBad(ctx, 'overhead.bad-input', `${tooFew}&tasks=20&sleep_ms=5`, tooFew, /workers/);
  await checkBad(ctx, 'overhead.bad-mode', `${QUERY}&mode=bogus`, 'mode=bogus', /pool.*spawn/);
};
