// The /proc files the process-tree reader (proc-stats.ts) reads, parsed: pure functions of
// their text, tested on their own.

export interface StatLine {
  ppid: number;
  /** utime + stime of the process (all its threads). */
  cpuTicks: number;
  /** cutime + cstime: children it already reaped, which are no longer in the tree. */
  reapedChildrenCpuTicks: number;
  threads: number;
}

/** Parses /proc/<pid>/stat; the command name may hold spaces and ')' so split after the last ')'. */
export function parseStat(text: string): StatLine | undefined {
  const end = text.lastIndexOf(')');
  if (end < 0) return undefined;
  // Fields after the name, 0-based: field n of proc(5) is f[n - 3]; 1 ppid, 11..14 utime
  // stime cutime cstime, 17 num_threads.
  const f = text.slice(end + 2).split(' ');
  const [ppid, utime, stime, cutime, cstime, threads] = [1, 11, 12, 13, 14, 17].map((i) => Number(f[i]));
  if (![ppid, utime, stime, cutime, cstime, threads].every(Number.isFinite)) return undefined;
  return { ppid: ppid!, cpuTicks: utime! + stime!, reapedChildrenCpuTicks: cutime! + cstime!, threads: threads! };
}

export interface TaskStatus {
  voluntary: number;
  involuntary: number;
  /** VmRSS in kB; absent for kernel threads and zombie leaders. Every task of a process shows the same. */
  rssKb?: number;
}

/** The fields read from /proc/<pid>/task/<tid>/status. */
export function parseTaskStatus(text: string): TaskStatus {
  const field = (name: string): number | undefined => {
    const m = new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text);
    return m ? Number(m[1]) : undefined;
  };
  return {
    voluntary: field('voluntary_ctxt_switches') ?? 0,
    involuntary: field('nonvoluntary_ctxt_switches') ?? 0,
    rssKb: field('VmRSS'),
  };
}

/** The root and all its descendants in `parents` (pid -> ppid), root first; [] if root is absent. */
export function treeOf(parents: ReadonlyMap<number, number>, rootPid: number): number[] {
  if (!parents.has(rootPid)) return [];
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parents) {
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
