import type Docker from 'dockerode';
import { EXIT, LabError } from '../../core/errors.js';
import { isHealthy } from '../local/health.js';
import { runningTask, type FoundService, type RunningTask } from './discover.js';

// Limits and restarts are service updates: Swarm replaces the task (stop-first, as the stack
// says: host networking leaves no room for two on one port), possibly on another node. So
// after an update the lab waits for a new running task that answers /healthz, wherever it is.

/** The subset of a service's spec this file changes. */
export interface ServiceSpecJson {
  Name?: string;
  TaskTemplate?: {
    ForceUpdate?: number;
    Resources?: { Limits?: { NanoCPUs?: number; MemoryBytes?: number }; Reservations?: unknown };
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export interface ServiceWithSpec {
  version: number;
  spec: ServiceSpecJson;
}

export async function inspectService(docker: Docker, service: FoundService): Promise<ServiceWithSpec> {
  const s = (await docker.getService(service.id).inspect()) as { Version?: { Index?: number }; Spec?: ServiceSpecJson };
  return { version: s.Version?.Index ?? 0, spec: s.Spec ?? {} };
}

/** One service update; the error names the service and says what the daemon refused. */
export async function updateService(docker: Docker, service: FoundService, what: string, change: (spec: ServiceSpecJson) => ServiceSpecJson): Promise<void> {
  const { version, spec } = await inspectService(docker, service);
  const next = change(structuredClone(spec));
  try {
    // _query/_body: docker-modem would otherwise also put the whole spec into the query string.
    await docker.getService(service.id).update({ _query: { version }, _body: next } as unknown as Parameters<Docker.Service['update']>[0]);
  } catch (err) {
    const msg = (err as { json?: { message?: string } }).json?.message ?? (err as Error).message;
    throw new LabError(`${what}: docker service update of ${service.name} failed: ${msg.trim()}`, EXIT.badInput);
  }
}

export function withLimits(spec: ServiceSpecJson, limits: { NanoCPUs?: number; MemoryBytes?: number } | undefined): ServiceSpecJson {
  const template = spec.TaskTemplate ?? {};
  const resources = { ...(template.Resources ?? {}) };
  if (limits && Object.keys(limits).length > 0) resources.Limits = limits;
  else delete resources.Limits;
  return { ...spec, TaskTemplate: { ...template, Resources: resources } };
}

export function forced(spec: ServiceSpecJson): ServiceSpecJson {
  const template = spec.TaskTemplate ?? {};
  return { ...spec, TaskTemplate: { ...template, ForceUpdate: (template.ForceUpdate ?? 0) + 1 } };
}

/**
 * Waits (bounded) for a running task other than `previousTaskId` whose /healthz answers at
 * `urlOf(task)`. The error says which node and task state it saw last.
 */
export async function waitNewTask(
  docker: Docker,
  service: FoundService,
  previousTaskId: string | undefined,
  urlOf: (task: RunningTask) => string,
  timeoutMs: number,
): Promise<RunningTask> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no task yet';
  for (;;) {
    const task = await runningTask(docker, service);
    if ('why' in task) {
      last = task.why;
    } else if (task.id === previousTaskId) {
      last = `the old task ${task.id.slice(0, 12)} on node ${task.node.hostname} still runs`;
    } else if (await isHealthy(urlOf(task))) {
      return task;
    } else {
      last = `task ${task.id.slice(0, 12)} on node ${task.node.hostname} (${task.node.address}) does not answer ${urlOf(task)}/healthz yet`;
    }
    if (Date.now() >= deadline) {
      throw new LabError(`${service.name} did not come back healthy within ${Math.round(timeoutMs / 1000)} s after a service update: ${last}`, EXIT.verifyFailed);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
