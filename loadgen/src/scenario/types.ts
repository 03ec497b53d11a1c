import type { ExecutorName, PartScenarioConfig, PartScenarioKeys } from '../executors/registry.js';
import type { Threshold } from './thresholds.js';
import type { StepEvent, StepEventSource } from '../scenario-run/events/types.js';

export type { ExecutorName };

/** The YAML as written (validated), kept verbatim in results.json; executors and step plugins add their own keys (PartScenarioKeys). */
export interface ScenarioSource extends PartScenarioKeys {
  name: string;
  description?: string;
  executor: ExecutorName;
  targets?: 'all' | string[];
  request?: { text?: string; delay_ms?: number; cpu_iters?: number; cpu_ms?: number };
  steps: number[];
  duration: string;
  warmup?: string;
  cooldown?: string;
  upstream?: { delay_ms?: number; jitter_ms?: number; error_rate?: number };
  resources?: { cpus?: number; memory?: string };
  thresholds?: string[];
  /** At offsets of each step's measure phase: upstream settings, kill, pause, restart (StepResult.events). */
  events?: StepEventSource[];
}

/** A validated scenario with every default filled in and units parsed; each executor and step plugin fills its part (PartScenarioConfig). */
export interface Scenario extends PartScenarioConfig {
  name: string;
  description: string;
  executor: ExecutorName;
  /** 'all' or explicit service names. */
  targets: 'all' | string[];
  request: { text: string; delay_ms?: number; cpu_iters?: number; cpu_ms?: number };
  steps: number[];
  durationS: number;
  warmupS: number;
  cooldownS: number;
  upstream?: { delay_ms?: number; jitter_ms?: number; error_rate?: number };
  resources?: { cpus?: number; memoryBytes?: number };
  thresholds: Threshold[];
  /** Sorted by offset; [] without `events`. */
  events: StepEvent[];
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
