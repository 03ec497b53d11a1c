import type { Endpoint } from '../runtime/types.js';
import type { Scenario } from '../model/scenario.js';

type UpstreamSettings = NonNullable<Scenario['upstream']>;

/**
 * Applies the scenario's upstream settings (POST /admin/config) and returns how to put back
 * what was there before, so that one scenario's fault injection never leaks into the next run.
 */
export async function applyUpstreamConfig(upstream: Endpoint, settings: UpstreamSettings | undefined, note: (msg: string) => void): Promise<() => Promise<void>> {
  if (!settings || Object.keys(settings).length === 0) return async () => {};
  let previous: UpstreamSettings | undefined;
  try {
    const res = await fetch(`${upstream.httpUrl}/admin/config`, { signal: AbortSignal.timeout(5000) });
    if (res.ok) {
      const all = (await res.json()) as Record<string, unknown>;
      previous = {};
      for (const k of Object.keys(settings) as (keyof UpstreamSettings)[]) if (typeof all[k] === 'number') previous[k] = all[k] as number;
    }
  } catch {
    /* restore below is skipped, with a note */
  }
  await postConfig(upstream, settings);
  return async () => {
    if (!previous) {
      note(`could not read the upstream's config before the run: left at ${JSON.stringify(settings)}`);
      return;
    }
    try {
      await postConfig(upstream, previous);
    } catch (err) {
      note(`could not restore the upstream's config ${JSON.stringify(previous)}: ${(err as Error).message}`);
    }
  };
}

async function postConfig(upstream: Endpoint, body: UpstreamSettings): Promise<void> {
  const url = `${upstream.httpUrl}/admin/config`;
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`POST ${url} ${JSON.stringify(body)} answered ${res.status}: ${(await res.text()).trim()}`);
}
