import type { OverheadConfig, OverheadConfigSource } from '../executors/overhead.js';
import type { ExecutorName } from '../executors/registry.js';
import type { Threshold } from './thresholds.js';

export type { ExecutorName };

/** The YAML as written (validated), kept verbatim in results.json. */
export interface ScenarioSource {
  name: string;
  description?: string;
  executor: ExecutorName;
  targets?: 'all' | string[];
  request?: { text?: string; delay_ms?: number; cpu_iters?: number };
  steps: number[];
  duration: string;
  warmup?: string;
  cooldown?: string;
  upstream?: { delay_ms?: number; jitter_ms?: number; error_rate?: number };
  /** The overhead executor's configuration (executors/overhead.ts owns it). */
  overhead?: OverheadConfigSource;
  resources?: { cpus?: number; memory?: string };
  thresholds?: string[];
  /** The wrk cross-check step plugin (executors/cross-check.ts owns it): StepResult.cross_check. */
  cross_check?: boolean;
}

/** A validated scenario with every default filled in and units parsed. */
export interface Scenario {
  name: string;
  description: string;
  executor: ExecutorName;
  /** 'all' or explicit service names. */
  targets: 'all' | string[];
  request: { text: string; delay_ms?: number; cpu_iters?: number };
  steps: number[];
  durationS: number;
  warmupS: number;
  cooldownS: number;
  upstream?: { delay_ms?: number; jitter_ms?: number; error_rate?: number };
  /** Filled by the overhead executor's configure(). */
  overhead?: OverheadConfig;
  resources?: { cpus?: number; memoryBytes?: number };
  thresholds: Threshold[];
  /** Drive each step a second time with wrk (`cross_check: true` or `lab run --cross-check`); filled by the cross-check plugin's configure(). */
  crossCheck: boolean;
  source: ScenarioSource;
  /** Absolute path of the file it came from, if any. */
  file?: string;
}

/** The upstream's own default delay (contract/README.md, "Configuration by environment": UPSTREAM_DELAY_MS, 50). */
export const UPSTREAM_DEFAULT_DELAY_MS = 50;

/** The upstream delay each request waits for: the basis of the ideal (Little's law) line. */
export function effectiveDelayMs(s: Pick<Scenario, 'request' | 'upstream'>, protocol: 'http' | 'line'): number {
  // The line protocol cannot carry delay_ms per request: only the upstream default applies.
  if (protocol === 'http' && s.request.delay_ms !== undefined) return s.request.delay_ms;
  return s.upstream?.delay_ms ?? UPSTREAM_DEFAULT_DELAY_MS;
}
