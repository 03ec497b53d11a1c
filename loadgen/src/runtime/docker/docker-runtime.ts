import type Docker from 'dockerode';
import { EXIT, LabError } from '../../core/errors.js';
import type { LabEvent, LabEventHandler } from '../local/events.js';
import type { Endpoint, LabRuntime, ResourceLimits, ServiceLifeEvent, ServiceManifest, ServiceStats, Unavailable } from '../types.js';
import { addressModeFromEnv, endpointOf, type AddressMode } from './address.js';
import { connectDocker } from './client.js';
import { findLabContainers, type FoundContainer } from './discover.js';
import { containerLogTail, waitContainerReady } from './health.js';
import { restoreUpdate, savedLimitsOf, updateContainer, updateFor, type SavedLimits } from './limits.js';
import { readContainerStats } from './stats.js';
import { AttachedRuntime, attachRows, DEFAULT_HEALTH_TIMEOUT_MS, rowsToAttach, type AttachOptions } from '../attached-runtime.js';

// The Docker runtime attaches to a lab that docker compose started: it never creates or
// removes containers, so stop() leaves them running (it only undoes limits it applied).

/** env: read for DOCKER_HOST, LAB_DOCKER_PROJECT, LAB_DOCKER_ADDRESS; default process.env. */
export type DockerRuntimeOptions = AttachOptions;

interface Attached {
  manifest: ServiceManifest;
  container: Docker.Container;
  info: Docker.ContainerInspectInfo;
  endpoint: Endpoint;
  /** Limits before the first applyLimits, to restore. */
  saved?: SavedLimits;
}

function upHint(names: string[]): string {
  return `docker compose up -d ${names.join(' ')}   (docker-compose 1.x: docker-compose up -d ${names.join(' ')})`;
}

class DockerRuntime extends AttachedRuntime<Attached> implements LabRuntime {
  readonly kind = 'docker' as const;

  constructor(
    private readonly docker: Docker,
    private readonly mode: AddressMode,
    private readonly healthTimeoutMs: number,
    onEvent: LabEventHandler,
  ) {
    super(onEvent, 'Docker lab');
  }

  /** Attaches to one container: waits (bounded) until it answers, or says why it cannot. */
  async attach(manifest: ServiceManifest, found: FoundContainer): Promise<Attached | Unavailable> {
    const container = this.docker.getContainer(found.id);
    const info = await container.inspect();
    const endpoint = endpointOf(info, manifest, this.mode);
    const { result, info: latest } = await waitContainerReady(container, endpoint.httpUrl, this.healthTimeoutMs);
    if (result !== 'healthy') {
      const state = latest?.State;
      const why = result === 'exited'
        ? `container ${found.name} is ${state?.Status ?? 'not running'} (exit code ${state?.ExitCode ?? '?'})`
        : `container ${found.name} did not answer ${endpoint.httpUrl}/healthz within ${Math.round(this.healthTimeoutMs / 1000)} s (docker health: ${state?.Health?.Status ?? 'none'})`;
      const tail = await containerLogTail(container);
      this.emit({ kind: 'unavailable', service: manifest.name, message: why, logTail: tail || undefined });
      return { name: manifest.name, reason: why, hint: `docker logs ${found.name}; ${upHint([manifest.name])}` };
    }
    const attached: Attached = { manifest, container, info: latest!, endpoint: endpointOf(latest!, manifest, this.mode) };
    this.attached.set(manifest.name, attached);
    this.emit({ kind: 'attached', service: manifest.name, message: `container ${found.name} at ${attached.endpoint.httpUrl}` });
    return attached;
  }

  /** Each container's main process (as last inspected): its tree is the row's, when the lab shares the host's pid namespace. */
  noiseParts(): { name: string; pids: number[] }[] {
    return [...this.attached.entries()].filter(([, a]) => a.info.State?.Running && a.info.State.Pid > 0).map(([name, a]) => ({ name, pids: [a.info.State.Pid] }));
  }

  async stats(name: string): Promise<ServiceStats | undefined> {
    const a = this.get(name);
    try {
      // Inspect every time: a restart (by us, by Docker's restart policy) changes the pid.
      a.info = await a.container.inspect();
      return await readContainerStats(a.container, a.info, a.endpoint.metricsUrl);
    } catch {
      return undefined; // container gone or daemon busy: the sampler falls back to /metrics
    }
  }

  async restart(name: string): Promise<void> {
    const a = this.get(name);
    this.emit({ kind: 'stopping', service: name, message: `restarting container ${a.info.Name.replace(/^\//, '')}` });
    // t: the drain time the services get on SIGTERM before Docker kills them.
    await a.container.restart({ t: 15 });
    const { result, info } = await waitContainerReady(a.container, a.endpoint.httpUrl, this.healthTimeoutMs);
    if (result !== 'healthy') {
      const tail = await containerLogTail(a.container);
      throw new LabError(`${name} did not come back healthy after a restart (${result})${tail ? `:\n${tail}` : ''}`, EXIT.verifyFailed);
    }
    a.info = info!;
    a.endpoint = endpointOf(a.info, a.manifest, this.mode);
    this.emit({ kind: 'healthy', service: name, message: 'restarted and healthy' });
  }

  async kill(name: string): Promise<void> {
    const a = this.get(name);
    const t0 = Date.now();
    await a.container.kill({ signal: 'SIGKILL' });
    this.life.push({ service: name, kind: 'crashed', at_ms: t0, message: 'docker kill (SIGKILL)' });
    // Docker counts `docker kill` as a manual stop, which `restart: unless-stopped` respects:
    // the runtime plays the restart policy itself, so a kill event behaves like a crash.
    void (async () => {
      try {
        await a.container.start();
        const { result, info } = await waitContainerReady(a.container, a.endpoint.httpUrl, this.healthTimeoutMs);
        if (result !== 'healthy') throw new Error(`not healthy after start (${result})`);
        a.info = info!;
        a.endpoint = endpointOf(a.info, a.manifest, this.mode);
        const downtime = (Date.now() - t0) / 1000;
        this.life.push({ service: name, kind: 'restarted', at_ms: Date.now(), message: `container started again, healthy after ${downtime.toFixed(2)} s`, downtime_s: Math.round(downtime * 1000) / 1000, attempt: 1 });
        this.emit({ kind: 'restarted', service: name, message: `healthy again after ${downtime.toFixed(2)} s` });
      } catch (err) {
        this.life.push({ service: name, kind: 'gave-up', at_ms: Date.now(), message: `could not start it again: ${(err as Error).message}` });
        this.emit({ kind: 'gave-up', service: name, message: (err as Error).message });
      }
    })();
  }

  async pause(name: string): Promise<void> { await this.get(name).container.pause(); }

  async resume(name: string): Promise<void> { await this.get(name).container.unpause(); }

  async applyLimits(name: string, limits: ResourceLimits): Promise<void> {
    const a = this.get(name);
    const update = updateFor(name, limits);
    if (Object.keys(update).length === 0) return;
    a.info = await a.container.inspect();
    a.saved ??= savedLimitsOf(a.info);
    await updateContainer(a.container, name, update);
  }

  async restoreLimits(name: string): Promise<void> {
    const a = this.get(name);
    if (!a.saved) return;
    await updateContainer(a.container, name, restoreUpdate(a.saved));
    a.saved = undefined;
  }
}

/**
 * Attaches to the lab's containers (labels lab.impl / lab.role=upstream) on the local Docker
 * daemon. Errors a user can act on are LabErrors (exit 2): no daemon, no upstream, an asked-for
 * row without a container. Rows not asked for by name that are missing or unhealthy are listed
 * in `unavailable`, the rest still run.
 */
export async function openDockerRuntime(options: DockerRuntimeOptions = {}): Promise<LabRuntime> {
  const env = options.env ?? process.env;
  const { upstreamManifest, wanted, explicit } = rowsToAttach(options.servicesDir, options.targets);
  const mode = addressModeFromEnv(env);
  const { docker } = await connectDocker(env);
  const project = env.LAB_DOCKER_PROJECT || undefined;
  const containers = await findLabContainers(docker, project);
  const where = project ? ` in compose project '${project}'` : '';

  const upstreamFound = containers.get('upstream');
  if (!upstreamFound) {
    throw new LabError(`no upstream container (label lab.role=upstream)${where} on this Docker daemon. Start the lab: ${upHint([])}`, EXIT.badInput);
  }
  const missing = wanted.filter((m) => !containers.has(m.name)).map((m) => m.name);
  if (missing.length > 0 && (explicit || missing.length === wanted.length)) {
    throw new LabError(
      `no container with label lab.impl=<name>${where} for: ${missing.join(', ')}. Start ${missing.length === 1 ? 'it' : 'them'}: ${upHint(missing)}`,
      EXIT.badInput,
    );
  }

  const runtime = new DockerRuntime(docker, mode, options.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS, options.onEvent ?? (() => {}));
  runtime.upstreamName = upstreamManifest.name;
  const upstream = await runtime.attach(upstreamManifest, upstreamFound);
  if ('reason' in upstream && !('endpoint' in upstream)) {
    throw new LabError(`the upstream container is not usable: ${upstream.reason}. ${upstream.hint ?? ''}`, EXIT.badInput);
  }
  const absent = missing.map((name) => ({ name, reason: 'no container with this lab.impl label is running', hint: upHint([name]) }));
  await attachRows(runtime, wanted, containers, absent, explicit);
  return runtime;
}
