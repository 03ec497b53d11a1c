import type { Threshold } from './thresholds.js';
import type { StepEvent, StepEventSource } from './events.js';
import type { TrialsConfig } from './trials.js';

/**
 * The YAML as written (validated), kept verbatim in results.json. Executors and step plugins add
 * the keys they own to this interface and to Scenario (`declare module` in executors/<name>/).
 */
export interface ScenarioSource {
  name: string;
  description?: string;
  /** A name in executors/registry.ts (validation checks it). */
  executor: string;
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
  /** The most trials each step gets (model/trials.ts has the defaults). */
  trials?: number;
  /** Stop a step's trials early once its figures' 95% intervals are within this of the median: 0.05 or '5%'. */
  precision?: number | string;
  /** Findings keep steps measured on a busy machine (foreign CPU above 0.05 of a core). */
  allow_busy?: boolean;
  /** Restart every row before each round of trials (true, 'round') or before each step ('step'): model/trials.ts TrialsConfig.freshProcess. */
  fresh_process?: boolean | 'round' | 'step';
}

/** A validated scenario with every default filled in and units parsed; each executor and step plugin fills its part (its configure()). */
export interface Scenario {
  name: string;
  description: string;
  executor: string;
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
  /** Trials: most per step, precision, allow busy steps in findings (model/trials.ts). */
  trials: TrialsConfig;
  source: ScenarioSource;
  /** Absolute path of the file it came from, if any. */
  file?: string;
}
