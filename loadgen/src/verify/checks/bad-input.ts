import { LIMITS } from '@concurrency-lab/contract-ts';
import type { CheckGroup } from '../types.js';
import { httpGet, show } from '../http-client.js';

// Each bad request must get a 400 with a one-line reason (contract/README.md: never a crash or a
// hang). Each case is one step past a limit of contract/contract.json.
const { delay_ms, cpu_iters, cpu_ms } = LIMITS.echo;
export const BAD_INPUT_CASES: { check: string; params: Record<string, string> }[] = [
  { check: 'bad-input.missing-text', params: {} },
  { check: 'bad-input.text-too-long', params: { text: 'a'.repeat(LIMITS.text_max_bytes + 1) } },
  { check: 'bad-input.delay-negative', params: { text: 'hi', delay_ms: String(delay_ms.min - 1) } },
  { check: 'bad-input.delay-too-big', params: { text: 'hi', delay_ms: String(delay_ms.max + 1) } },
  { check: 'bad-input.delay-not-number', params: { text: 'hi', delay_ms: 'abc' } },
  { check: 'bad-input.cpu-iters-too-big', params: { text: 'hi', cpu_iters: String(cpu_iters.max + 1) } },
  { check: 'bad-input.cpu-ms-too-big', params: { text: 'hi', cpu_ms: String(cpu_ms.max + 1) } },
];

export const badInputChecks: CheckGroup = async ({ target, record }) => {
  for (const { check, params } of BAD_INPUT_CASES) {
    const url = `${target.httpUrl}/echo?${new URLSearchParams(params).toString()}`;
    const shownUrl = url.length > 160 ? `${url.slice(0, 160)}…` : url;
    const res = await httpGet(url);
    const reason = res.body.replace(/\r?\n$/, '');
    if (res.status !== 400) record(check, 'fail', `expected 400, got ${res.status} ${show(res.body)}`, shownUrl);
    else if (reason.trim() === '') record(check, 'fail', '400 with an empty body: say why', shownUrl);
    else if (reason.includes('\n')) record(check, 'fail', `400 but the reason spans several lines: ${show(res.body)}`, shownUrl);
    else record(check, 'pass', `400 ${show(reason, 80)}`, shownUrl);
  }
  const url = `${target.httpUrl}/no-such-path`;
  const res = await httpGet(url);
  if (res.status === 404) record('bad-input.unknown-path', 'pass', '404', url);
  else record('bad-input.unknown-path', 'fail', `expected 404, got ${res.status}`, url);
};
