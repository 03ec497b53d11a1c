import os from 'node:os';
import type Docker from 'dockerode';
import { EXIT, LabError } from '../../core/errors.js';
import type { ResourceLimits } from '../types.js';

// docker update's quirk: 0 means "leave unchanged", so a limit once set cannot be cleared
// through the API (Docker 20.10 to 28). Restoring an unlimited container therefore sets the
// widest limits there are: every online CPU and all of the host's memory, which constrain
// nothing. A container that had limits of its own gets exactly those back.

export interface SavedLimits {
  nanoCpus: number;
  memory: number;
  memorySwap: number;
}

export function savedLimitsOf(info: Docker.ContainerInspectInfo): SavedLimits {
  return {
    nanoCpus: info.HostConfig.NanoCpus ?? 0,
    memory: info.HostConfig.Memory ?? 0,
    memorySwap: info.HostConfig.MemorySwap ?? 0,
  };
}

/** Bad limits are bad input, checked before the daemon sees them. */
export function updateFor(name: string, limits: ResourceLimits, onlineCpus = os.availableParallelism()): Record<string, number> {
  const update: Record<string, number> = {};
  const problems: string[] = [];
  if (limits.cpus !== undefined) {
    if (!Number.isFinite(limits.cpus) || limits.cpus < 0.01 || limits.cpus > onlineCpus) {
      problems.push(`cpus must be from 0.01 to ${onlineCpus} (the CPUs of this host), got ${limits.cpus}`);
    } else {
      update.NanoCpus = Math.round(limits.cpus * 1e9);
    }
  }
  if (limits.memory !== undefined) {
    const min = 6 * 1024 * 1024; // the kernel/Docker minimum
    if (!Number.isInteger(limits.memory) || limits.memory < min) {
      problems.push(`memory must be at least 6 MiB (${min} bytes), got ${limits.memory}`);
    } else {
      // Swap equal to memory: the limit is a real limit, not a slow way to swap.
      update.Memory = limits.memory;
      update.MemorySwap = limits.memory;
    }
  }
  if (problems.length > 0) throw new LabError(`limits for ${name}: ${problems.join('; ')}`, EXIT.badInput);
  return update;
}

/** The update that puts a container back to how it was before applyLimits. */
export function restoreUpdate(saved: SavedLimits, onlineCpus = os.availableParallelism(), hostMemory = os.totalmem()): Record<string, number> {
  const memory = saved.memory > 0 ? saved.memory : hostMemory;
  return {
    NanoCpus: saved.nanoCpus > 0 ? saved.nanoCpus : onlineCpus * 1e9,
    Memory: memory,
    // Swap must be given with memory and be above it (cgroup v1 checks memsw >= memory on every
    // write; runc 1.1 fails the update with MemorySwap -1). Twice the memory is Docker's own
    // default for a container started with --memory alone.
    MemorySwap: saved.memory > 0 && saved.memorySwap > 0 ? saved.memorySwap : 2 * memory,
  };
}

export async function updateContainer(container: Docker.Container, name: string, update: Record<string, number>): Promise<void> {
  try {
    await container.update(update);
  } catch (err) {
    const msg = (err as { json?: { message?: string } }).json?.message ?? (err as Error).message;
    throw new LabError(`docker update of ${name} failed: ${msg.trim()}`, EXIT.badInput);
  }
}
