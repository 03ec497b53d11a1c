import { readFileSync } from 'node:fs';

/**
 * The soft limit on open files of this process (`ulimit -n`), or undefined where /proc does not
 * say. Node cannot raise its own limit: raise it in the shell (`ulimit -n 65536`) before `lab run`.
 */
export function openFileLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    if (!soft || soft === 'unlimited') return undefined;
    return Number(soft);
  } catch {
    return undefined;
  }
}

/** File descriptors kept free for everything else the lab does (scrapes, logs, services). */
export const FD_HEADROOM = 256;
