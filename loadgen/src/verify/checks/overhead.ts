import type { CheckGroup } from '../types.js';
import { httpGet, show } from '../httpClient.js';

const FIELDS = ['workers', 'tasks', 'sleep_ms', 'elapsed_s', 'ideal_s', 'overhead'] as const;

export const overheadChecks: CheckGroup = async ({ target, record }) => {
  const url = `${target.httpUrl}/overhead?workers=4&tasks=20&sleep_ms=5`;
  const res = await httpGet(url, 30_000);
  let data: Record<string, unknown> | undefined;
  try { data = JSON.parse(res.body) as Record<string, unknown>; } catch { /* reported below */ }
  if (res.status !== 200 || !data) {
    record('overhead.result', 'fail', `expected 200 JSON, got ${res.status} ${show(res.body)}`, url);
  } else {
    const missing = FIELDS.filter((f) => typeof data![f] !== 'number');
    const overhead = data.overhead as number;
    const ideal = data.ideal_s as number;
    if (missing.length > 0) record('overhead.result', 'fail', `missing or non-numeric fields: ${missing.join(', ')}`, url);
    else if (data.workers !== 4 || data.tasks !== 20 || data.sleep_ms !== 5) record('overhead.result', 'fail', `parameters not echoed back: ${show(res.body)}`, url);
    else if (Math.abs(ideal - 0.025) > 1e-6) record('overhead.result', 'fail', `ideal_s should be 5 ms * 20 / 4 = 0.025, got ${ideal}`, url);
    // Elapsed can never beat the ideal; a little under 1 is timer rounding, more is a wrong clock.
    else if (overhead >= 1) record('overhead.result', 'pass', `overhead ${overhead.toFixed(2)} (elapsed ${(data.elapsed_s as number).toFixed(3)} s)`, url);
    else if (overhead >= 0.95) record('overhead.result', 'warn', `overhead ${overhead.toFixed(3)} is below 1 (timer rounding?)`, url);
    else record('overhead.result', 'fail', `overhead ${overhead} < 0.95: elapsed is shorter than the ideal, the measurement is wrong`, url);
  }
  const badUrl = `${target.httpUrl}/overhead?workers=0&tasks=20&sleep_ms=5`;
  const bad = await httpGet(badUrl);
  if (bad.status === 400) record('overhead.bad-input', 'pass', '400 for workers=0', badUrl);
  else record('overhead.bad-input', 'fail', `expected 400 for workers=0, got ${bad.status} ${show(bad.body)}`, badUrl);
};
