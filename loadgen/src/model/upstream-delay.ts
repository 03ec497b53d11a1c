import type { Scenario } from './scenario.js';

/** The upstream's own default delay (contract/README.md, "Configuration by environment": UPSTREAM_DELAY_MS, 50). */
export const UPSTREAM_DEFAULT_DELAY_MS = 50;

/** The upstream delay each request waits for: the basis of the ideal (Little's law) line. */
export function effectiveDelayMs(s: Pick<Scenario, 'request' | 'upstream'>, protocol: 'http' | 'line'): number {
  // The line protocol cannot carry delay_ms per request: only the upstream default applies.
  if (protocol === 'http' && s.request.delay_ms !== undefined) return s.request.delay_ms;
  return s.upstream?.delay_ms ?? UPSTREAM_DEFAULT_DELAY_MS;
}
