import type { CheckGroup } from '../types.js';
import { httpGet, show } from '../http-client.js';

export const healthChecks: CheckGroup = async ({ target, record }) => {
  const url = `${target.httpUrl}/healthz`;
  const res = await httpGet(url);
  if (res.status === 200 && res.body.trim() === 'ok') record('healthz', 'pass', '200 ok', url);
  else record('healthz', 'fail', `expected 200 "ok", got ${res.status} ${show(res.body)}`, url);
};
