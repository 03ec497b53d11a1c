import type Docker from 'dockerode';
import { EXIT, LabError } from '../../core/errors.js';

// Rows are found by label, never by name: compose prefixes names with the project, and a row
// started by hand (docker run --label lab.impl=...) must work too.

export const IMPL_LABEL = 'lab.impl';
export const ROLE_LABEL = 'lab.role';
export const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';
export const COMPOSE_SERVICE_LABEL = 'com.docker.compose.service';

export interface FoundContainer {
  id: string;
  /** Without the leading slash. */
  name: string;
  state: string;
  labels: Record<string, string>;
}

function toFound(c: Docker.ContainerInfo): FoundContainer {
  return { id: c.Id, name: (c.Names[0] ?? c.Id).replace(/^\//, ''), state: c.State, labels: c.Labels ?? {} };
}

/**
 * Every container of the lab, keyed by service name (lab.impl for rows, "upstream" for the
 * container labelled lab.role=upstream). `project` (a compose project name) narrows the
 * search when several labs run on one daemon; without it, two running containers for one
 * service is an error that says how to choose.
 */
export async function findLabContainers(docker: Docker, project?: string): Promise<Map<string, FoundContainer>> {
  const projectFilter = project ? [`${COMPOSE_PROJECT_LABEL}=${project}`] : [];
  const [rows, upstreams] = await Promise.all([
    docker.listContainers({ all: true, filters: { label: [IMPL_LABEL, ...projectFilter] } }),
    docker.listContainers({ all: true, filters: { label: [`${ROLE_LABEL}=upstream`, ...projectFilter] } }),
  ]);
  const byService = new Map<string, FoundContainer[]>();
  const add = (service: string, c: Docker.ContainerInfo) => {
    const list = byService.get(service) ?? [];
    list.push(toFound(c));
    byService.set(service, list);
  };
  for (const c of rows) add(c.Labels[IMPL_LABEL]!, c);
  for (const c of upstreams) add('upstream', c);

  const chosen = new Map<string, FoundContainer>();
  const problems: string[] = [];
  for (const [service, list] of byService) {
    // A stopped leftover next to a running one is not ambiguous: take the running one.
    const running = list.filter((c) => c.state === 'running');
    const candidates = running.length > 0 ? running : list;
    if (candidates.length > 1) {
      problems.push(`${service}: ${candidates.length} containers (${candidates.map((c) => c.name).join(', ')})`);
      continue;
    }
    chosen.set(service, candidates[0]!);
  }
  if (problems.length > 0) {
    throw new LabError(
      `more than one lab on this Docker daemon:\n  ${problems.join('\n  ')}\n`
        + 'choose one with LAB_DOCKER_PROJECT=<compose project name>, or stop the other',
      EXIT.badInput,
    );
  }
  return chosen;
}
