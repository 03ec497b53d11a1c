import { readFile } from 'node:fs/promises';
import os from 'node:os';
import type Docker from 'dockerode';
import { parsePrometheusText, sumOf } from '../../core/prom-text.js';
import { readProcessTreeStats } from '../local/proc-tree.js';
import type { ContainerUsage, ServiceStats } from '../types.js';

// A container's stats come from two places. The Docker API (cgroup) always knows CPU time,
// memory and the task count. /proc knows RSS, threads per process and context switches, but
// only when the container's processes are visible here: the lab on the host, or in a
// container with `pid: host`. Where /proc is blind, the service's own /metrics (which reads
// /proc inside the container) supplies context switches.

/** The subset of GET /containers/{id}/stats that is read (cgroup v1 and v2 shapes). */
export interface DockerStatsJson {
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  pids_stats?: { current?: number };
}

/** Memory in use minus reclaimable file cache, computed exactly as the docker CLI does. */
export function workingSetBytes(mem: DockerStatsJson['memory_stats']): number {
  const usage = mem?.usage ?? 0;
  const stats = mem?.stats ?? {};
  const v1 = stats.total_inactive_file; // cgroup v1
  if (v1 !== undefined && v1 < usage) return usage - v1;
  const v2 = stats.inactive_file; // cgroup v2 (and v1's non-hierarchical figure)
  if (v2 !== undefined && v2 < usage) return usage - v2;
  return usage;
}

/** The cgroup part of ContainerUsage from one stats document and the container's HostConfig. */
export function containerUsageOf(
  stats: DockerStatsJson,
  info: Pick<Docker.ContainerInspectInfo, 'Id' | 'Name' | 'Config' | 'HostConfig'>,
  procVisible: boolean,
): ContainerUsage {
  const nanoCpus = info.HostConfig.NanoCpus ?? 0;
  const memLimit = info.HostConfig.Memory ?? 0;
  // restoreLimits cannot clear a limit (see limits.ts) and sets the widest one instead: a
  // limit that constrains nothing is reported as none.
  const cpuLimited = nanoCpus > 0 && nanoCpus < os.availableParallelism() * 1e9;
  const memLimited = memLimit > 0 && memLimit < os.totalmem();
  return {
    id: info.Id.slice(0, 12),
    name: info.Name.replace(/^\//, ''),
    image: info.Config.Image,
    cpuSeconds: (stats.cpu_stats?.cpu_usage?.total_usage ?? 0) / 1e9,
    memoryBytes: workingSetBytes(stats.memory_stats),
    memoryLimitBytes: memLimited ? memLimit : undefined,
    cpuLimit: cpuLimited ? nanoCpus / 1e9 : undefined,
    pids: stats.pids_stats?.current,
    procVisible,
  };
}

/**
 * Whether `pid` in this process's /proc is the container's main process: the pid Docker
 * reports is a host pid, and in another pid namespace the same number is someone else.
 */
export async function pidIsContainer(pid: number, containerId: string): Promise<boolean> {
  if (!pid) return false;
  try {
    const cgroups = await readFile(`/proc/${pid}/cgroup`, 'utf8');
    return cgroups.includes(containerId);
  } catch {
    return false;
  }
}

async function contextSwitchesFromMetrics(metricsUrl: string): Promise<{ voluntary: number; involuntary: number } | undefined> {
  try {
    const res = await fetch(metricsUrl, { signal: AbortSignal.timeout(1000) });
    if (!res.ok) return undefined;
    const { samples } = parsePrometheusText(await res.text());
    const voluntary = sumOf(samples, 'lab_context_switches_total', { kind: 'voluntary' });
    const involuntary = sumOf(samples, 'lab_context_switches_total', { kind: 'involuntary' });
    if (voluntary === undefined || involuntary === undefined) return undefined;
    return { voluntary, involuntary };
  } catch {
    return undefined;
  }
}

async function processCount(container: Docker.Container): Promise<number | undefined> {
  try {
    const top = await container.top();
    return top.Processes?.length;
  } catch {
    return undefined;
  }
}

/** ServiceStats of a running container; undefined when it is not running. */
export async function readContainerStats(container: Docker.Container, info: Docker.ContainerInspectInfo, metricsUrl: string): Promise<ServiceStats | undefined> {
  if (!info.State.Running) return undefined;
  // one-shot: answer at once instead of waiting a second for a CPU-percentage baseline.
  const raw = (await container.stats({ stream: false, 'one-shot': true })) as unknown as DockerStatsJson;
  const visible = await pidIsContainer(info.State.Pid, info.Id);
  const tree = visible ? await readProcessTreeStats(info.State.Pid) : undefined;
  const usage = containerUsageOf(raw, info, tree !== undefined);
  if (tree) {
    // The cgroup's CPU time also counts processes that already exited (forked children).
    return { ...tree, cpuSeconds: usage.cpuSeconds, container: usage };
  }
  const [processes, switches] = await Promise.all([processCount(container), contextSwitchesFromMetrics(metricsUrl)]);
  return {
    cpuSeconds: usage.cpuSeconds,
    rssBytes: usage.memoryBytes,
    osThreads: usage.pids ?? 0,
    processes: processes ?? 1,
    contextSwitches: switches ?? { voluntary: 0, involuntary: 0 },
    container: usage,
  };
}
