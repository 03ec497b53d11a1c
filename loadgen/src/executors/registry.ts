import type { ExecutorName } from '../scenario/types.js';
import { connectionsSweep } from './connections-sweep.js';
import { idleConnections } from './idle-connections.js';
import { lineSweep } from './line-sweep.js';
import { overhead } from './overhead.js';
import { rateSweep } from './rate-sweep.js';
import type { Executor } from './types.js';

export const executors: Record<ExecutorName, Executor> = {
  'connections-sweep': connectionsSweep,
  'rate-sweep': rateSweep,
  'line-sweep': lineSweep,
  'idle-connections': idleConnections,
  overhead,
};

export function executorFor(name: ExecutorName): Executor {
  return executors[name];
}
