// The upstream's run-time defaults, changed by POST /admin/config (how scenarios shape the
// delay and inject faults). A patch is validated as a whole and applied all at once, or not
// at all: a half-applied fault configuration would make a run measure something unplanned.
import { MAX_DELAY_MS } from '@concurrency-lab/ts-common';

export interface UpstreamConfig {
  delay_ms: number;
  jitter_ms: number;
  error_rate: number;
}

export type PatchResult = { ok: true; config: UpstreamConfig } | { ok: false; reason: string };

const LIMITS: Record<keyof UpstreamConfig, { max: number; integer: boolean }> = {
  delay_ms: { max: MAX_DELAY_MS, integer: true }, // the rows' delay_ms limit (contract/contract.json)
  jitter_ms: { max: 60_000, integer: true },
  error_rate: { max: 1, integer: false },
};

/** The config with `patch` applied, or why the patch is refused (current is never mutated). */
export function applyPatch(current: UpstreamConfig, patch: unknown): PatchResult {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    return { ok: false, reason: 'body must be a JSON object with any of delay_ms, jitter_ms, error_rate' };
  }
  const next = { ...current };
  const problems: string[] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (!(key in LIMITS)) {
      problems.push(`unknown key '${key}' (allowed: delay_ms, jitter_ms, error_rate)`);
      continue;
    }
    const name = key as keyof UpstreamConfig;
    const { max, integer } = LIMITS[name];
    const valid = typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= max;
    if (!valid || (integer && !Number.isInteger(value))) {
      problems.push(`${name} must be ${integer ? 'an integer' : 'a number'} from 0 to ${max}, got ${JSON.stringify(value)}`);
      continue;
    }
    next[name] = value;
  }
  if (problems.length > 0) return { ok: false, reason: problems.join('; ') };
  return { ok: true, config: next };
}

/** Startup defaults from UPSTREAM_DELAY_MS / UPSTREAM_JITTER_MS / UPSTREAM_ERROR_RATE. */
export function configFromEnv(env: NodeJS.ProcessEnv): PatchResult {
  const base: UpstreamConfig = { delay_ms: 50, jitter_ms: 0, error_rate: 0 };
  const patch: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, key] of [
    ['UPSTREAM_DELAY_MS', 'delay_ms'],
    ['UPSTREAM_JITTER_MS', 'jitter_ms'],
    ['UPSTREAM_ERROR_RATE', 'error_rate'],
  ] as const) {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') continue;
    if (!/^\d+(\.\d+)?$/.test(raw)) problems.push(`${name} must be a non-negative number, got '${raw}'`);
    else patch[key] = Number(raw);
  }
  if (problems.length > 0) return { ok: false, reason: problems.join('; ') };
  const applied = applyPatch(base, patch);
  if (!applied.ok) {
    // Name the environment variables, not the JSON keys, in a startup error.
    return { ok: false, reason: applied.reason.replace(/\b(delay_ms|jitter_ms|error_rate)\b/g, (k) => `UPSTREAM_${k.toUpperCase()}`) };
  }
  return applied;
}
