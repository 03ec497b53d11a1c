import type Docker from 'dockerode';
import { EXIT, LabError } from '../../core/errors.js';
import { IMPL_LABEL, ROLE_LABEL } from '../docker/discover.js';

// Rows are swarm services found by label (lab.impl, lab.role=upstream), never by name: a stack
// prefixes names with its namespace, and a service created by hand must work too. A service's
// running task says where it is: its node (address, hostname) and, when that node is this
// daemon's, its container.

export const STACK_LABEL = 'com.docker.stack.namespace';

export interface SwarmNode {
  id: string;
  hostname: string;
  /** The address the node advertises to the swarm (what its host-networked tasks listen on). */
  address: string;
  /** The node's CPUs, for checking limits against the machine that will run the task. */
  cpus: number;
  memoryBytes: number;
}

export interface FoundService {
  id: string;
  name: string;
  labels: Record<string, string>;
}

export interface RunningTask {
  id: string;
  node: SwarmNode;
  /** Full container id; empty until the task has a container. */
  containerId: string;
  /** Environment of the task's container spec (PORT, LINE_PORT, UPSTREAM_TIMEOUT_MS). */
  env: string[];
}

/** The daemon must be a swarm manager: only managers answer for services, tasks and nodes. */
export async function managerNodeId(docker: Docker, where: string): Promise<string> {
  const info = (await docker.info()) as { Swarm?: { LocalNodeState?: string; NodeID?: string; ControlAvailable?: boolean } };
  const swarm = info.Swarm ?? {};
  if (swarm.LocalNodeState !== 'active') {
    throw new LabError(
      `the Docker daemon at ${where} is not in a swarm (state: ${swarm.LocalNodeState || 'inactive'}). `
        + 'Form one (`docker swarm init`) and deploy the stack (`docker stack deploy -c docker-stack.yml lab`), or use --runtime docker.',
      EXIT.badInput,
    );
  }
  if (!swarm.ControlAvailable) {
    throw new LabError(`the Docker daemon at ${where} is a swarm worker (node ${swarm.NodeID}): run the lab on a manager, or point DOCKER_HOST at one`, EXIT.badInput);
  }
  return swarm.NodeID ?? '';
}

/** Every lab service, keyed by row name ("upstream" for lab.role=upstream); `stack` narrows to one stack. */
export async function findLabServices(docker: Docker, stack?: string): Promise<Map<string, FoundService>> {
  const stackFilter = stack ? [`${STACK_LABEL}=${stack}`] : [];
  const [rows, upstreams] = await Promise.all([
    docker.listServices({ filters: { label: [IMPL_LABEL, ...stackFilter] } }),
    docker.listServices({ filters: { label: [`${ROLE_LABEL}=upstream`, ...stackFilter] } }),
  ]);
  const byName = new Map<string, FoundService[]>();
  const add = (name: string, s: Docker.Service) => {
    const found = { id: s.ID, name: s.Spec?.Name ?? s.ID, labels: s.Spec?.Labels ?? {} };
    byName.set(name, [...(byName.get(name) ?? []), found]);
  };
  for (const s of rows) add(s.Spec!.Labels![IMPL_LABEL]!, s);
  for (const s of upstreams) add('upstream', s);
  const problems = [...byName].filter(([, list]) => list.length > 1).map(([name, list]) => `${name}: ${list.map((s) => s.name).join(', ')}`);
  if (problems.length > 0) {
    throw new LabError(`more than one lab stack on this swarm:\n  ${problems.join('\n  ')}\nchoose one with LAB_SWARM_STACK=<stack name>, or remove the other`, EXIT.badInput);
  }
  return new Map([...byName].map(([name, list]) => [name, list[0]!]));
}

export async function nodeOf(docker: Docker, nodeId: string): Promise<SwarmNode> {
  const n = (await docker.getNode(nodeId).inspect()) as {
    ID: string;
    Status?: { Addr?: string };
    Description?: { Hostname?: string; Resources?: { NanoCPUs?: number; MemoryBytes?: number } };
  };
  return {
    id: n.ID,
    hostname: n.Description?.Hostname ?? n.ID,
    address: n.Status?.Addr ?? '',
    cpus: (n.Description?.Resources?.NanoCPUs ?? 0) / 1e9,
    memoryBytes: n.Description?.Resources?.MemoryBytes ?? 0,
  };
}

interface TaskJson {
  ID: string;
  NodeID?: string;
  Status?: { State?: string; Err?: string; ContainerStatus?: { ContainerID?: string } };
  Spec?: { ContainerSpec?: { Env?: string[] } };
  UpdatedAt?: string;
}

/** The one running task of a service, or why there is none (the last task's state and error). */
export async function runningTask(docker: Docker, service: FoundService): Promise<RunningTask | { why: string; node?: string }> {
  const tasks = (await docker.listTasks({ filters: { service: [service.id], 'desired-state': ['running'] } })) as TaskJson[];
  const running = tasks.find((t) => t.Status?.State === 'running' && t.NodeID);
  if (running) {
    return {
      id: running.ID,
      node: await nodeOf(docker, running.NodeID!),
      containerId: running.Status?.ContainerStatus?.ContainerID ?? '',
      env: running.Spec?.ContainerSpec?.Env ?? [],
    };
  }
  const latest = tasks.sort((a, b) => (b.UpdatedAt ?? '').localeCompare(a.UpdatedAt ?? ''))[0];
  if (!latest) return { why: `service ${service.name} has no task that should run (scaled to 0?)` };
  const node = latest.NodeID ? (await nodeOf(docker, latest.NodeID).catch(() => undefined))?.hostname : undefined;
  const err = latest.Status?.Err ? `: ${latest.Status.Err}` : '';
  return { why: `service ${service.name}: task ${latest.ID.slice(0, 12)} is ${latest.Status?.State ?? 'unknown'}${err}${node ? ` on node ${node}` : ' (no node yet)'}`, node };
}
