import type { ContainerUsage } from '../types.js';

// What results.json keeps under server.container for one measured step: which container it
// was, its limits, and its own cgroup figures over the step (CPU delta, peaks), next to the
// /proc-based figures of the step. Snake case like the rest of results.json.

export interface ContainerStepUsage {
  id: string;
  name: string;
  image: string;
  /** CPUs (NanoCpus / 1e9) during the step; null when unlimited. */
  cpu_limit: number | null;
  memory_limit_bytes: number | null;
  /** cgroup CPU seconds during the step (delta). */
  cpu_seconds: number | null;
  /** Peak of memory usage minus inactive file cache (what `docker stats` shows). */
  memory_bytes_peak: number | null;
  pids_peak: number | null;
  /** Whether threads / context switches came from /proc on the lab's host. */
  proc_visible: boolean;
}

/** undefined when no sample carried container usage (every runtime but Docker). */
export function summariseContainer(usages: (ContainerUsage | undefined)[]): ContainerStepUsage | undefined {
  const seen = usages.filter((u): u is ContainerUsage => u !== undefined);
  const last = seen[seen.length - 1];
  if (!last) return undefined;
  const first = seen[0]!;
  const peak = (f: (u: ContainerUsage) => number | undefined) => {
    const v = seen.map(f).filter((x): x is number => x !== undefined);
    return v.length ? Math.max(...v) : null;
  };
  // A restart inside the step starts a new container counter: no honest delta then.
  const sameContainer = seen.every((u) => u.id === first.id) && last.cpuSeconds >= first.cpuSeconds;
  return {
    id: last.id,
    name: last.name,
    image: last.image,
    cpu_limit: last.cpuLimit ?? null,
    memory_limit_bytes: last.memoryLimitBytes ?? null,
    cpu_seconds: seen.length >= 2 && sameContainer ? last.cpuSeconds - first.cpuSeconds : null,
    memory_bytes_peak: peak((u) => u.memoryBytes),
    pids_peak: peak((u) => u.pids),
    proc_visible: last.procVisible,
  };
}
