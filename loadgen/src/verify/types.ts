import type { Endpoint } from '../runtime/types.js';

export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface CheckResult {
  target: string;
  /** Stable id, e.g. `echo.body`, `line.too-long`. */
  check: string;
  status: CheckStatus;
  message: string;
  /** The URL (or tcp://host:port line address) the check talked to. */
  url?: string;
}

export interface TargetReport {
  name: string;
  checks: CheckResult[];
}

export interface VerifyReport {
  /** True when no check failed (warns do not fail). */
  ok: boolean;
  runtime: 'local' | 'docker' | 'swarm';
  startedAt: string;
  durationMs: number;
  targets: TargetReport[];
  /** Implementations that could not be verified because they are not running. */
  unavailable: { name: string; reason: string; hint?: string; required: boolean }[];
}

/** What one group of checks gets: where to talk to, and where to record what it found. */
export interface CheckContext {
  target: Endpoint;
  upstream: Endpoint;
  record(check: string, status: CheckStatus, message: string, url?: string): void;
}

export type CheckGroup = (ctx: CheckContext) => Promise<void>;
