import { readFile, readdir, readlink } from 'node:fs/promises';
import type { ServiceStats } from '../types.js';

// Linux /proc readers. A service is a process tree (python-processes forks a child per
// connection), so every figure is summed over the root and all its descendants, and thread
// figures over every task of each process.

const CLOCK_TICKS = 100; // USER_HZ: 100 on every Linux ABI Node runs on
const PAGE_SIZE = 4096;

interface ProcStat { pid: number; ppid: number; cpuTicks: number; threads: number; rssPages: number }

async function readStat(pid: number): Promise<ProcStat | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    // comm (field 2) may contain spaces and parentheses: split after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): field n is fields[n - 3].
    return {
      pid,
      ppid: Number(fields[1]),
      cpuTicks: Number(fields[11]) + Number(fields[12]),
      threads: Number(fields[17]),
      rssPages: Number(fields[21]),
    };
  } catch {
    return undefined; // the process ended while we looked
  }
}

async function allPids(): Promise<number[]> {
  const entries = await readdir('/proc');
  return entries.filter((e) => /^\d+$/.test(e)).map(Number);
}

/** The root pid and all its descendants (by parent links). */
export async function processTree(rootPid: number): Promise<ProcStat[]> {
  const stats = (await Promise.all((await allPids()).map(readStat))).filter((s): s is ProcStat => s !== undefined);
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) {
    const list = children.get(s.ppid) ?? [];
    list.push(s);
    children.set(s.ppid, list);
  }
  const root = stats.find((s) => s.pid === rootPid);
  if (!root) return [];
  const tree: ProcStat[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const next = queue.shift()!;
    tree.push(next);
    queue.push(...(children.get(next.pid) ?? []));
  }
  return tree;
}

async function contextSwitchesOf(pid: number): Promise<{ voluntary: number; involuntary: number }> {
  // /proc/<pid>/status counts only the main thread: sum every task.
  const total = { voluntary: 0, involuntary: 0 };
  let tasks: string[];
  try {
    tasks = await readdir(`/proc/${pid}/task`);
  } catch {
    return total;
  }
  await Promise.all(tasks.map(async (tid) => {
    try {
      const status = await readFile(`/proc/${pid}/task/${tid}/status`, 'utf8');
      total.voluntary += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      total.involuntary += Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    } catch { /* thread ended */ }
  }));
  return total;
}

/** Resource use of the process tree rooted at rootPid; undefined when it no longer exists. */
export async function readProcessTreeStats(rootPid: number): Promise<ServiceStats | undefined> {
  const tree = await processTree(rootPid);
  if (tree.length === 0) return undefined;
  const switches = await Promise.all(tree.map((p) => contextSwitchesOf(p.pid)));
  return {
    cpuSeconds: tree.reduce((sum, p) => sum + p.cpuTicks, 0) / CLOCK_TICKS,
    rssBytes: tree.reduce((sum, p) => sum + p.rssPages, 0) * PAGE_SIZE,
    osThreads: tree.reduce((sum, p) => sum + p.threads, 0),
    processes: tree.length,
    contextSwitches: {
      voluntary: switches.reduce((sum, s) => sum + s.voluntary, 0),
      involuntary: switches.reduce((sum, s) => sum + s.involuntary, 0),
    },
  };
}

/**
 * The pid of the process listening on a TCP port (for services the lab attached to rather
 * than started): LISTEN socket inode from /proc/net/tcp{,6}, then the process holding it.
 */
export async function pidListeningOn(port: number): Promise<number | undefined> {
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try { text = await readFile(table, 'utf8'); } catch { continue; }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // cols: sl local_address rem_address st ... inode(9)
      if (cols.length > 9 && cols[1]?.endsWith(`:${portHex}`) && cols[3] === '0A') inodes.add(cols[9]!);
    }
  }
  if (inodes.size === 0) return undefined;
  // Forked workers inherit the listening socket: the service's root is the holder whose
  // parent does not hold it.
  const holders: number[] = [];
  for (const pid of await allPids()) {
    let fds: string[];
    try { fds = await readdir(`/proc/${pid}/fd`); } catch { continue; }
    for (const fd of fds) {
      try {
        const target = await readlink(`/proc/${pid}/fd/${fd}`);
        const m = /^socket:\[(\d+)\]$/.exec(target);
        if (m && inodes.has(m[1]!)) { holders.push(pid); break; }
      } catch { /* fd closed meanwhile */ }
    }
  }
  for (const pid of holders) {
    const stat = await readStat(pid);
    if (stat && !holders.includes(stat.ppid)) return pid;
  }
  return holders[0];
}
