// The contract between runtimes (local processes, Docker) and everything that drives them
// (verify, executors, the web dashboard). Executors only ever see a LabRuntime.

import type { ServiceManifest } from '../core/manifest/types.js';
import type { ServiceLifeEvent } from '../model/step-timeline.js';

// ServiceLifeEvent is a shape results.json keeps (model/step-timeline.ts); runtimes produce it.
export type { ServiceLifeEvent, ServiceManifest };

/** One running implementation (or the upstream), as reachable from the lab process. */
export interface Endpoint {
  name: string;
  manifest: ServiceManifest;
  /** e.g. http://127.0.0.1:8101 (no trailing slash). */
  httpUrl: string;
  /** Raw TCP line protocol; absent for the upstream. */
  line?: { host: string; port: number };
  metricsUrl: string;
  /**
   * UPSTREAM_TIMEOUT_MS the service was started with, when the runtime knows it (it started the
   * service itself); verify uses it to prove the 504 path. Optional: added after the first contract.
   */
  upstreamTimeoutMs?: number;
}

/** Resource use of a whole service (every process of it, or its container). */
export interface ServiceStats {
  cpuSeconds: number;
  rssBytes: number;
  osThreads: number;
  processes: number;
  contextSwitches: { voluntary: number; involuntary: number };
  /** Docker runtime only (optional, added after the first contract): the container's cgroup view. */
  container?: ContainerUsage;
}

/**
 * A container's own figures, from the Docker API (cgroup) rather than /proc. Results keep it
 * under server.container. Optional fields are absent when Docker does not report them.
 */
export interface ContainerUsage {
  /** Short (12 hex) container id. */
  id: string;
  name: string;
  image: string;
  /** cgroup CPU time of every process in the container (cpuacct total_usage). */
  cpuSeconds: number;
  /** Memory usage minus inactive file cache: the figure `docker stats` shows. */
  memoryBytes: number;
  /** The container's memory limit; absent when unlimited. */
  memoryLimitBytes?: number;
  /** CPU limit in CPUs (NanoCpus / 1e9); absent when unlimited. */
  cpuLimit?: number;
  /** Tasks (threads) in the container's pids cgroup. */
  pids?: number;
  /**
   * Whether rssBytes, osThreads, processes and contextSwitches came from /proc on this host
   * (the lab shares the host's pid namespace). Otherwise rssBytes is memoryBytes, osThreads
   * is pids, and context switches come from the service's own lab_context_switches_total.
   */
  procVisible: boolean;
}

export interface Unavailable {
  name: string;
  reason: string;
  /** The exact command that installs what is missing, e.g. `sudo apt-get install python3-gevent`. */
  hint?: string;
}

export interface ResourceLimits {
  cpus?: number;
  /** Bytes. */
  memory?: number;
}

/** Where the services run: local processes, Docker containers on this daemon, a swarm's services. */
export const RUNTIME_KINDS = ['local', 'docker', 'swarm'] as const;
export type RuntimeKind = (typeof RUNTIME_KINDS)[number];


export interface LabRuntime {
  readonly kind: RuntimeKind;
  /** The upstream as the lab process reaches it (for /admin/config). */
  readonly upstream: Endpoint;
  /** Implementations that are up and healthy. */
  readonly targets: Endpoint[];
  /** Implementations asked for but not started, with why and how to fix it. */
  readonly unavailable: Unavailable[];
  /** Stats of one service from the OS (/proc process tree or container cgroup); undefined if unknown. */
  stats(name: string): Promise<ServiceStats | undefined>;
  /**
   * Restart one service and wait until it is healthy again. Throws NotRestartable when the lab
   * has no say over the service (it attached to a process it did not start), anything else when
   * the restart itself failed (the service may be down).
   */
  restart(name: string): Promise<void>;
  /**
   * SIGKILL the service at once (its process group; `docker kill`), for a scenario's kill
   * event: no drain. Whatever supervises it (the local supervisor, compose's restart policy)
   * brings it back; this does not wait for that.
   */
  kill(name: string): Promise<void>;
  /** Freeze every process of the service (SIGSTOP to its group; `docker pause`), and thaw it. */
  pause(name: string): Promise<void>;
  resume(name: string): Promise<void>;
  /** Crashes and restarts seen since `sinceMs` (epoch ms), oldest first; [] when nothing supervises. */
  lifeEvents(sinceMs?: number): ServiceLifeEvent[];
  /**
   * The rows' processes, for the machine's noise (observe/machine-noise.ts): one part per
   * running service, by process group or pid. Optional: without it, only the lab process and
   * its children count as the lab's.
   */
  noiseParts?(): { name: string; pids?: number[]; pgids?: number[] }[];
  /** Apply CPU/memory limits (docker only; local runtime rejects with a clear error). */
  applyLimits?(name: string, limits: ResourceLimits): Promise<void>;
  /** Undo applyLimits. */
  restoreLimits?(name: string): Promise<void>;
  /** Stop what this runtime started (nothing, if it attached to services already running). */
  stop(): Promise<void>;
}
