import { LIMITS } from './contract.js';

// /overhead's shapes (contract/README.md, "HTTP contract"), shared by the rows that answer it and
// the load generator that reads the answer.

/** 'pool' (the default) is the original experiment, C long-lived workers on a queue bounded to C
 *  entries; 'spawn' is a new unit per task, at most C alive. The type names both; the contract
 *  says which exist and the default. */
export type OverheadMode = 'pool' | 'spawn';
export const OVERHEAD_MODES = LIMITS.overhead.modes as readonly OverheadMode[];
export const DEFAULT_OVERHEAD_MODE = LIMITS.overhead.default_mode as OverheadMode;

/** A row's answer: ideal_s is the time a perfect pool would take, S*N/C ms; overhead =
 *  elapsed_s / ideal_s (1.0 = no overhead, null when the ideal is 0). */
export interface OverheadResult {
  workers: number;
  tasks: number;
  sleep_ms: number;
  /** Always set by the services; absent only in results written before modes existed
   *  (those rows spawned a unit per task: read them as 'spawn'). */
  mode?: OverheadMode;
  elapsed_s: number;
  /** Seconds to start the pool before the clock (0 in spawn mode); absent in results written before it existed. */
  setup_s?: number;
  ideal_s: number;
  overhead: number | null;
}
