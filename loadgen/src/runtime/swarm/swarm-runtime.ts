import type Docker from 'dockerode';
import { EXIT, LabError } from '../../core/errors.js';
import { containerPorts, upstreamTimeoutOf } from '../docker/address.js';
import { connectDocker } from '../docker/client.js';
import { updateFor } from '../docker/limits.js';
import { readContainerStats } from '../docker/stats.js';
import { isHealthy } from '../local/health.js';
import type { LabEvent, LabEventHandler } from '../local/events.js';
import type { Endpoint, LabRuntime, ResourceLimits, ServiceLifeEvent, ServiceManifest, ServiceStats, Unavailable } from '../types.js';
import { findLabServices, managerNodeId, runningTask, type FoundService, type RunningTask } from './discover.js';
import { statsFromMetrics } from './metrics-stats.js';
import { AttachedRuntime, attachRows, DEFAULT_HEALTH_TIMEOUT_MS, rowsToAttach, type AttachOptions } from '../attached-runtime.js';
import { forced, inspectService, updateService, waitNewTask, withLimits, type ServiceSpecJson } from './service-update.js';

// The swarm runtime attaches to a stack deployed with `docker stack deploy` (docker-stack.yml),
// through the Docker API of a manager. Tasks use host networking, so a row answers on its
// node's address at its manifest's port. It never creates or removes services: stop() only
// undoes the limits it applied.

/** env: DOCKER_HOST (a manager), LAB_SWARM_STACK; default process.env. */
export type SwarmRuntimeOptions = AttachOptions;
/** A limit or a restart replaces the task: image start plus the rows' start-up. */
const UPDATE_TIMEOUT_MS = 120_000;

interface Attached {
  manifest: ServiceManifest;
  service: FoundService;
  task: RunningTask;
  endpoint: Endpoint;
  /** After a kill: the swarm's new task, until it is attached. */
  replacing?: Promise<void>;
  /** The service's Resources.Limits before the first applyLimits (null: it had none). */
  saved?: { NanoCPUs?: number; MemoryBytes?: number } | null;
}

const deployHint = 'docker stack deploy --resolve-image never -c docker-stack.yml lab';

function endpointOf(manifest: ServiceManifest, task: RunningTask): Endpoint {
  if (!task.node.address) {
    throw new LabError(`${manifest.name}: node ${task.node.hostname} advertises no address, so the lab cannot reach its task`, EXIT.badInput);
  }
  const withEnv = { Config: { Env: task.env } };
  const ports = containerPorts(withEnv, manifest);
  const host = task.node.address;
  const httpUrl = `http://${host}:${ports.http}`;
  return {
    name: manifest.name,
    manifest,
    httpUrl,
    line: ports.line === undefined ? undefined : { host, port: ports.line },
    metricsUrl: `${httpUrl}/metrics`,
    upstreamTimeoutMs: upstreamTimeoutOf(withEnv),
  };
}

const whereOf = (a: Pick<Attached, 'service' | 'task'>) => `service ${a.service.name} on node ${a.task.node.hostname} (${a.task.node.address})`;

class SwarmRuntime extends AttachedRuntime<Attached> implements LabRuntime {
  readonly kind = 'swarm' as const;

  constructor(
    private readonly docker: Docker,
    /** This daemon's node: its tasks' containers (cgroups, /proc) are readable from here. */
    private readonly localNodeId: string,
    private readonly healthTimeoutMs: number,
    onEvent: LabEventHandler,
  ) {
    super(onEvent, 'swarm lab');
  }

  /** Finds the service's running task and waits (bounded) until it answers /healthz. */
  async attach(manifest: ServiceManifest, service: FoundService): Promise<Attached | Unavailable> {
    const deadline = Date.now() + this.healthTimeoutMs;
    let why = '';
    for (;;) {
      const task = await runningTask(this.docker, service);
      if ('why' in task) {
        why = task.why;
      } else {
        const endpoint = endpointOf(manifest, task);
        if (await isHealthy(endpoint.httpUrl)) {
          const a: Attached = { manifest, service, task, endpoint };
          this.attached.set(manifest.name, a);
          this.emit({ kind: 'attached', service: manifest.name, message: `${whereOf(a)} at ${endpoint.httpUrl}` });
          return a;
        }
        why = `${whereOf({ service, task })} does not answer ${endpoint.httpUrl}/healthz`;
      }
      if (Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const reason = `${why} (waited ${Math.round(this.healthTimeoutMs / 1000)} s)`;
    this.emit({ kind: 'unavailable', service: manifest.name, message: reason });
    return { name: manifest.name, reason, hint: `docker service ps --no-trunc ${service.name}; docker service logs ${service.name}` };
  }


  /** The task's container, when it runs on this node: the manager's API cannot reach another node's. */
  private localContainer(a: Attached, what: string): Docker.Container {
    if (a.task.node.id !== this.localNodeId) {
      throw new LabError(`cannot ${what} ${whereOf(a)}: the manager's Docker API reaches only its own node's containers (run the event on a one-node swarm, or place the row on the manager)`, EXIT.threshold);
    }
    return this.docker.getContainer(a.task.containerId);
  }

  async kill(name: string): Promise<void> {
    const a = this.get(name);
    const t0 = Date.now();
    await this.localContainer(a, 'kill').kill({ signal: 'SIGKILL' });
    this.life.push({ service: name, kind: 'crashed', at_ms: t0, message: `docker kill (SIGKILL) of ${whereOf(a)}; the swarm's restart policy starts a new task` });
    // The swarm replaces the task: attach to the new one (a later pause or stats must not reach
    // the dead container: the swarm e2e's pause after a kill got 409 "is not running") and
    // record the restart with its downtime, as the docker runtime does.
    a.replacing = waitNewTask(this.docker, a.service, a.task.id, (t) => endpointOf(a.manifest, t).httpUrl, UPDATE_TIMEOUT_MS).then((task) => {
      a.task = task;
      a.endpoint = endpointOf(a.manifest, task);
      const downtime = (Date.now() - t0) / 1000;
      this.life.push({ service: name, kind: 'restarted', at_ms: Date.now(), message: `new task on node ${task.node.hostname}, healthy after ${downtime.toFixed(2)} s`, downtime_s: Math.round(downtime * 1000) / 1000, attempt: 1 });
      this.emit({ kind: 'restarted', service: name, message: `healthy again after ${downtime.toFixed(2)} s` });
    }, (err: Error) => {
      this.life.push({ service: name, kind: 'gave-up', at_ms: Date.now(), message: `no new task after the kill: ${err.message}` });
    }).finally(() => { a.replacing = undefined; });
  }

  /** A pause soon after a kill waits for the swarm's new task (it takes seconds), then freezes that one. */
  async pause(name: string): Promise<void> {
    const a = this.get(name);
    await a.replacing;
    await this.localContainer(a, 'pause').pause();
  }

  async resume(name: string): Promise<void> { await this.localContainer(this.get(name), 'resume').unpause(); }

  async stats(name: string): Promise<ServiceStats | undefined> {
    const a = this.get(name);
    if (a.task.node.id === this.localNodeId && a.task.containerId) {
      try {
        const container = this.docker.getContainer(a.task.containerId);
        const info = await container.inspect();
        return await readContainerStats(container, info, a.endpoint.metricsUrl);
      } catch {
        // The task was replaced under us (a restart policy): its figures are in /metrics too.
      }
    }
    return statsFromMetrics(a.endpoint.metricsUrl);
  }

  /** Replaces the service's task through a service update and attaches to the new one. */
  private async rollTask(a: Attached, what: string, change: (spec: ServiceSpecJson) => ServiceSpecJson): Promise<void> {
    await updateService(this.docker, a.service, `${what} (${whereOf(a)})`, change);
    const task = await waitNewTask(this.docker, a.service, a.task.id, (t) => endpointOf(a.manifest, t).httpUrl, UPDATE_TIMEOUT_MS);
    a.task = task;
    a.endpoint = endpointOf(a.manifest, task);
    this.emit({ kind: 'healthy', service: a.manifest.name, message: `${what}: new task on node ${task.node.hostname}, healthy` });
  }

  async restart(name: string): Promise<void> {
    const a = this.get(name);
    this.emit({ kind: 'stopping', service: name, message: `restarting ${whereOf(a)} (docker service update --force)` });
    await this.rollTask(a, `restart of ${name}`, forced);
  }

  async applyLimits(name: string, limits: ResourceLimits): Promise<void> {
    const a = this.get(name);
    // Checked against the CPUs of the node that runs the task, not of this host.
    const update = updateFor(`${name} (node ${a.task.node.hostname})`, limits, a.task.node.cpus || undefined);
    if (Object.keys(update).length === 0) return;
    if (a.saved === undefined) a.saved = (await inspectService(this.docker, a.service)).spec.TaskTemplate?.Resources?.Limits ?? null;
    const wanted = {
      ...(a.saved ?? {}),
      ...(update.NanoCpus !== undefined ? { NanoCPUs: update.NanoCpus } : {}),
      ...(update.Memory !== undefined ? { MemoryBytes: update.Memory } : {}),
    };
    await this.rollTask(a, `limits ${JSON.stringify(limits)} on ${name}`, (spec) => withLimits(spec, wanted));
  }

  async restoreLimits(name: string): Promise<void> {
    const a = this.get(name);
    if (a.saved === undefined) return;
    // Unlike `docker update`, a service update can clear a limit: the spec is replaced whole.
    const saved = a.saved ?? undefined;
    await this.rollTask(a, `restoring the limits of ${name}`, (spec) => withLimits(spec, saved));
    a.saved = undefined;
  }
}

/**
 * Attaches to the lab's swarm services (labels lab.impl / lab.role=upstream) through a manager's
 * API (DOCKER_HOST or the local socket). LAB_SWARM_STACK narrows to one stack. Errors a user can
 * act on are LabErrors (exit 2) naming the service and the node.
 */
export async function openSwarmRuntime(options: SwarmRuntimeOptions = {}): Promise<LabRuntime> {
  const env = options.env ?? process.env;
  const { upstreamManifest, wanted, explicit } = rowsToAttach(options.servicesDir, options.targets);
  const { docker, where } = await connectDocker(env);
  const localNodeId = await managerNodeId(docker, where);
  const stack = env.LAB_SWARM_STACK || undefined;
  const services = await findLabServices(docker, stack);
  const inStack = stack ? ` in stack '${stack}'` : '';

  const upstreamService = services.get('upstream');
  if (!upstreamService) throw new LabError(`no swarm service with label lab.role=upstream${inStack} on ${where}. Deploy the stack: ${deployHint}`, EXIT.badInput);
  const missing = wanted.filter((m) => !services.has(m.name)).map((m) => m.name);
  if (missing.length > 0 && (explicit || missing.length === wanted.length)) {
    throw new LabError(`no swarm service with label lab.impl=<name>${inStack} for: ${missing.join(', ')}. Deploy the stack: ${deployHint}`, EXIT.badInput);
  }

  const runtime = new SwarmRuntime(docker, localNodeId, options.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS, options.onEvent ?? (() => {}));
  runtime.upstreamName = upstreamManifest.name;
  const upstream = await runtime.attach(upstreamManifest, upstreamService);
  if (!('endpoint' in upstream)) throw new LabError(`the upstream is not usable: ${upstream.reason}. ${upstream.hint ?? ''}`, EXIT.badInput);
  const absent = missing.map((name) => ({ name, reason: `no swarm service with label lab.impl=${name}${inStack}`, hint: deployHint }));
  await attachRows(runtime, wanted, services, absent, explicit);
  return runtime;
}
