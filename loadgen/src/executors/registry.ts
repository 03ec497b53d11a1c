import { connectionsSweep } from './connections-sweep.js';
import { idleConnections } from './idle-connections.js';
import { lineSweep } from './line-sweep.js';
import { overhead } from './overhead.js';
import { rateSweep } from './rate-sweep.js';
import type { Executor } from './types.js';

// The one list of executor names: the scenario type, the scenario validation and the CLI read it here.
export const executors = {
  'connections-sweep': connectionsSweep,
  'rate-sweep': rateSweep,
  'line-sweep': lineSweep,
  'idle-connections': idleConnections,
  overhead,
} satisfies Record<string, Executor>;

export type ExecutorName = keyof typeof executors;

export const EXECUTOR_NAMES = Object.keys(executors) as ExecutorName[];

export function isExecutorName(name: unknown): name is ExecutorName {
  return typeof name === 'string' && Object.hasOwn(executors, name);
}

export function executorFor(name: ExecutorName): Executor {
  return executors[name] as Executor;
}
