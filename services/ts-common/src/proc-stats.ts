import { readdirSync, readFileSync } from 'node:fs';

// Resource use of a whole service read from Linux /proc: the root process and every
// descendant (python-processes forks a child per connection; its cost must count). Reused by
// the lab's local runtime, so it must survive processes exiting while it reads.

export interface ProcessTreeStats {
  cpuSeconds: number;
  rssBytes: number;
  osThreads: number;
  processes: number;
  contextSwitches: { voluntary: number; involuntary: number };
}

// USER_HZ is 100 on every Linux ABI Node supports; /proc reports utime/stime in it.
const CLOCK_TICKS_PER_SECOND = 100;

interface StatLine {
  ppid: number;
  cpuTicks: number;
}

/** Parses /proc/<pid>/stat; the command name may hold spaces and ')' so split after the last ')'. */
export function parseStat(text: string): StatLine | undefined {
  const end = text.lastIndexOf(')');
  if (end < 0) return undefined;
  // Fields after the name, 0-based: 0 state, 1 ppid, ..., 11 utime, 12 stime.
  const f = text.slice(end + 2).split(' ');
  const ppid = Number(f[1]);
  const utime = Number(f[11]);
  const stime = Number(f[12]);
  if (![ppid, utime, stime].every(Number.isFinite)) return undefined;
  return { ppid, cpuTicks: utime + stime };
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process exited between listing and reading
  }
}

/** pid -> parent pid for every process currently visible in /proc. */
function parentMap(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readText(`/proc/${name}/stat`);
    const parsed = stat === undefined ? undefined : parseStat(stat);
    if (parsed) parents.set(Number(name), parsed.ppid);
  }
  return parents;
}

/** The root and all its descendants that are alive now (root first). */
export function processTree(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parentMap()) {
    const list = children.get(ppid);
    if (list) list.push(pid);
    else children.set(ppid, [pid]);
  }
  const tree: number[] = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

function statusField(status: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status);
  return m ? Number(m[1]) : 0;
}

function threadCount(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/task`).length;
  } catch {
    return 0;
  }
}

/**
 * Summed stats of rootPid and its descendants, or undefined if rootPid is not running.
 * Processes that exit during the read are skipped, not errors.
 */
export function readProcessTreeStats(rootPid: number): ProcessTreeStats | undefined {
  if (readText(`/proc/${rootPid}/stat`) === undefined) return undefined;
  const total: ProcessTreeStats = {
    cpuSeconds: 0,
    rssBytes: 0,
    osThreads: 0,
    processes: 0,
    contextSwitches: { voluntary: 0, involuntary: 0 },
  };
  for (const pid of processTree(rootPid)) {
    const stat = readText(`/proc/${pid}/stat`);
    const status = readText(`/proc/${pid}/status`);
    const parsed = stat === undefined ? undefined : parseStat(stat);
    if (!parsed || status === undefined) continue;
    total.processes += 1;
    total.cpuSeconds += parsed.cpuTicks / CLOCK_TICKS_PER_SECOND;
    total.rssBytes += statusField(status, 'VmRSS') * 1024;
    total.osThreads += threadCount(pid);
    total.contextSwitches.voluntary += statusField(status, 'voluntary_ctxt_switches');
    total.contextSwitches.involuntary += statusField(status, 'nonvoluntary_ctxt_switches');
  }
  return total;
}
