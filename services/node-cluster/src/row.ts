import { availableParallelism } from 'node:os';
import { ConfigError, intVar, type LabMetricsOptions } from '@concurrency-lab/ts-common';

// What the primary and every worker agree on: the row's name, its worker count, its lab_info.

export const NAME = 'node-cluster';

/** More would be a fork bomb by typo, not a benchmark: each worker is a whole Node process (~50 MiB). */
export const MAX_WORKERS = 64;

/** WORKERS (1..64), default one per core the process may run on; throws ConfigError naming the variable. */
export function readWorkers(env: NodeJS.ProcessEnv = process.env): number {
  const problems: string[] = [];
  const n = intVar(env, 'WORKERS', availableParallelism(), 1, MAX_WORKERS, problems);
  if (problems.length > 0) throw new ConfigError(problems.join('; '));
  return n;
}

export function metricsOptions(workers: number): LabMetricsOptions {
  return {
    impl: NAME,
    model: `Node.js cluster, ${workers} workers (fastify + net on each event loop)`,
    language: 'typescript',
    runtime: `node ${process.versions.node}`,
    concurrencyUnit: 'promises',
  };
}
