import type { Scenario } from '../../model/scenario.js';

/** The path of the HTTP job: /echo?text=..&delay_ms=..&cpu_iters=..&cpu_ms=.. (only the keys the scenario sets). */
export function echoPath(request: Scenario['request']): string {
  const q = new URLSearchParams({ text: request.text });
  if (request.delay_ms !== undefined) q.set('delay_ms', String(request.delay_ms));
  if (request.cpu_iters !== undefined && request.cpu_iters > 0) q.set('cpu_iters', String(request.cpu_iters));
  if (request.cpu_ms !== undefined && request.cpu_ms > 0) q.set('cpu_ms', String(request.cpu_ms));
  return `/echo?${q.toString()}`;
}

/**
 * One request before the load, for the body every later answer must equal (the translation is
 * deterministic). Throws with the reason when the target cannot answer at all.
 */
export async function probeEcho(baseUrl: string, request: Scenario['request'], timeoutMs = 15000, attempts = 8): Promise<string> {
  // A scenario that injects upstream errors (upstream.error_rate) makes some answers 502 on
  // purpose: ask again, a few times, for the one right body.
  for (let i = 1; ; i++) {
    try {
      return await probeOnce(baseUrl, request, timeoutMs);
    } catch (err) {
      if (i >= attempts || !(err instanceof UpstreamFailure)) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

class UpstreamFailure extends Error {}

async function probeOnce(baseUrl: string, request: Scenario['request'], timeoutMs: number): Promise<string> {
  const url = baseUrl + echoPath(request);
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    // fetch says only "fetch failed"; the reason (ECONNREFUSED...) is in its cause.
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`GET ${url} failed: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
  }
  const body = await res.text();
  if (res.status !== 200) {
    const message = `GET ${url} answered ${res.status}: ${body.trim().slice(0, 200)}`;
    throw res.status === 502 ? new UpstreamFailure(message) : new Error(message);
  }
  return body;
}
