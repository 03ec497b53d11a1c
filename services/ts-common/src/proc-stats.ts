import { readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';

// Resource use of a whole service read from Linux /proc: the root process and every
// descendant (python-processes forks a child per connection; its cost must count), and for
// context switches every task (thread) of each: /proc/<pid>/status counts only the
// thread-group leader. One implementation serves the services' /metrics and the lab (local
// and docker runtimes); it must survive processes and threads exiting while it reads.

export interface ProcessTreeStats {
  cpuSeconds: number;
  rssBytes: number;
  osThreads: number;
  processes: number;
  contextSwitches: { voluntary: number; involuntary: number };
}

// USER_HZ is 100 on every Linux ABI Node supports; /proc reports utime/stime in it.
const CLOCK_TICKS_PER_SECOND = 100;

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

// One sampling pass is written once, as a generator that asks for batches of /proc reads,
// and driven either synchronously (a scrape that may block briefly) or asynchronously (the
// lab, which must not block its event loop while load runs in the same process). Batches
// keep the async reads parallel.

type ProcBatch = { op: 'read'; paths: string[] } | { op: 'list'; paths: string[] };
/** One answer per path; undefined where the file or directory vanished (the process exited). */
type BatchAnswer = (string | string[] | undefined)[];
type ProcPass<T> = Generator<ProcBatch, T, BatchAnswer>;

interface TreeStatsPass {
  pids: number[];
  stats: Map<number, StatLine>;
  /** pid -> its task ids, where the walk already listed them (undefined: not listed or gone). */
  tasks?: Map<number, string[] | undefined>;
}

/**
 * The tree by walking down from the root through /proc/<pid>/task/<tid>/children (every
 * thread's own children: a child forked by a non-main thread is listed only there). That
 * reads a few files per process of the service instead of the stat of every process on the
 * machine, which made each scrape cost tens of milliseconds of CPU. Kernels built without
 * CONFIG_PROC_CHILDREN have no such file: then the whole /proc is scanned as before.
 */
function* readTreeStats(rootPid: number): ProcPass<TreeStatsPass> {
  const stats = new Map<number, StatLine>();
  const tasks = new Map<number, string[] | undefined>();
  const pids: number[] = [];
  let level = [rootPid];
  while (level.length > 0) {
    const taskLists = (yield { op: 'list', paths: level.map((pid) => `/proc/${pid}/task`) }) as (string[] | undefined)[];
    const owners: number[] = [];
    const childFiles: string[] = [];
    level.forEach((pid, i) => {
      tasks.set(pid, taskLists[i]);
      for (const tid of taskLists[i] ?? []) {
        owners.push(pid);
        childFiles.push(`/proc/${pid}/task/${tid}/children`);
      }
    });
    const [childTexts, statTexts] = [
      (yield { op: 'read', paths: childFiles }) as (string | undefined)[],
      (yield { op: 'read', paths: level.map((pid) => `/proc/${pid}/stat`) }) as (string | undefined)[],
    ];
    if (level[0] === rootPid && taskLists[0] !== undefined && childFiles.length > 0 && childTexts.every((t) => t === undefined)) {
      return yield* scanAllProcs(rootPid);
    }
    const next: number[] = [];
    level.forEach((pid, i) => {
      const parsed = statTexts[i] === undefined ? undefined : parseStat(statTexts[i]!);
      if (!parsed) return; // exited while the walk read it
      stats.set(pid, parsed);
      pids.push(pid);
    });
    childTexts.forEach((text, i) => {
      if (text === undefined || !stats.has(owners[i]!)) return;
      for (const child of text.split(' ')) if (/^\d+$/.test(child) && !stats.has(Number(child))) next.push(Number(child));
    });
    level = [...new Set(next)];
  }
  return { pids, stats, tasks };
}

function* scanAllProcs(rootPid: number): ProcPass<TreeStatsPass> {
  const [entries] = (yield { op: 'list', paths: ['/proc'] }) as (string[] | undefined)[];
  const all = (entries ?? []).filter((name) => /^\d+$/.test(name));
  const texts = (yield { op: 'read', paths: all.map((pid) => `/proc/${pid}/stat`) }) as (string | undefined)[];
  const stats = new Map<number, StatLine>();
  all.forEach((pid, i) => {
    const parsed = texts[i] === undefined ? undefined : parseStat(texts[i]!);
    if (parsed) stats.set(Number(pid), parsed);
  });
  const parents = new Map([...stats].map(([pid, s]) => [pid, s.ppid] as [number, number]));
  return { pids: treeOf(parents, rootPid), stats };
}

/** What one pass saw; counters here are not yet made monotonic. */
interface TreeSample {
  processes: number;
  threads: number;
  cpuTicks: number;
  rssBytes: number;
  /** tid -> its own context-switch counts. */
  tasks: Map<number, { voluntary: number; involuntary: number }>;
}

function* sampleTree(rootPid: number): ProcPass<TreeSample | undefined> {
  const { pids, stats, tasks } = yield* readTreeStats(rootPid);
  if (pids.length === 0) return undefined;
  const taskLists = tasks
    ? pids.map((pid) => tasks.get(pid))
    : ((yield { op: 'list', paths: pids.map((pid) => `/proc/${pid}/task`) }) as (string[] | undefined)[]);
  const taskOwner: number[] = [];
  const taskIds: number[] = [];
  pids.forEach((pid, i) => {
    for (const tid of taskLists[i] ?? []) {
      taskOwner.push(pid);
      taskIds.push(Number(tid));
    }
  });
  const statuses = (yield {
    op: 'read',
    paths: taskIds.map((tid, i) => `/proc/${taskOwner[i]}/task/${tid}/status`),
  }) as (string | undefined)[];

  const sample: TreeSample = { processes: 0, threads: 0, cpuTicks: 0, rssBytes: 0, tasks: new Map() };
  const rssSeen = new Set<number>();
  pids.forEach((pid, i) => {
    if (taskLists[i] === undefined) return; // exited after its stat was read
    const stat = stats.get(pid)!;
    sample.processes += 1;
    sample.cpuTicks += stat.cpuTicks + stat.reapedChildrenCpuTicks;
  });
  statuses.forEach((text, i) => {
    if (text === undefined) return; // the thread ended between listing and reading
    const status = parseTaskStatus(text);
    const pid = taskOwner[i]!;
    sample.threads += 1;
    sample.tasks.set(taskIds[i]!, { voluntary: status.voluntary, involuntary: status.involuntary });
    // Threads share their process's memory: count its VmRSS once, from whichever task shows it.
    if (status.rssKb !== undefined && !rssSeen.has(pid)) {
      rssSeen.add(pid);
      sample.rssBytes += status.rssKb * 1024;
    }
  });
  return sample;
}

function readBatchSync(batch: ProcBatch): BatchAnswer {
  return batch.paths.map((path) => {
    try {
      return batch.op === 'read' ? readFileSync(path, 'utf8') : readdirSync(path);
    } catch {
      return undefined;
    }
  });
}

function readBatchAsync(batch: ProcBatch): Promise<BatchAnswer> {
  return Promise.all(batch.paths.map(async (path) => {
    try {
      return batch.op === 'read' ? await readFile(path, 'utf8') : await readdir(path);
    } catch {
      return undefined;
    }
  }));
}

function runSync<T>(pass: ProcPass<T>): T {
  let step = pass.next();
  while (!step.done) step = pass.next(readBatchSync(step.value));
  return step.value;
}

async function runAsync<T>(pass: ProcPass<T>): Promise<T> {
  let step = pass.next();
  while (!step.done) step = pass.next(await readBatchAsync(step.value));
  return step.value;
}

/**
 * Reads one service's tree again and again, keeping the exported counters monotonic (they
 * back Prometheus counters and the lab's before/after deltas): context switches of tasks that
 * are gone are kept in a retired total, and no counter is ever reported lower than before
 * (a child that exited but is not yet reaped by a parent in the tree drops out for a moment).
 */
export class ProcessTreeReader {
  private lastByTid = new Map<number, { voluntary: number; involuntary: number }>();
  private retired = { voluntary: 0, involuntary: 0 };
  private reported: ProcessTreeStats | undefined;
  private started = 0;
  private accounted = 0;
  private inFlight: Promise<ProcessTreeStats | undefined> | undefined;

  constructor(readonly rootPid: number) {}

  /** Summed stats now, or undefined if rootPid is not running. Blocks while it reads /proc. */
  read(): ProcessTreeStats | undefined {
    const seq = ++this.started;
    return this.account(seq, runSync(sampleTree(this.rootPid)));
  }

  /** As read(), without blocking the event loop; calls made while one is running share it. */
  readAsync(): Promise<ProcessTreeStats | undefined> {
    if (!this.inFlight) {
      const seq = ++this.started;
      this.inFlight = runAsync(sampleTree(this.rootPid))
        .then((sample) => this.account(seq, sample))
        .finally(() => { this.inFlight = undefined; });
    }
    return this.inFlight;
  }

  private account(seq: number, sample: TreeSample | undefined): ProcessTreeStats | undefined {
    if (!sample) return undefined;
    // A pass that started before one already accounted (a sync read during an async one)
    // would make live tasks look reset: report what is known instead.
    if (seq < this.accounted) return this.reported;
    this.accounted = seq;
    for (const [tid, last] of this.lastByTid) {
      const now = sample.tasks.get(tid);
      // Gone, or lower than before (the tid was reused by a new task): the old count is final.
      if (!now || now.voluntary < last.voluntary || now.involuntary < last.involuntary) {
        this.retired.voluntary += last.voluntary;
        this.retired.involuntary += last.involuntary;
      }
    }
    this.lastByTid = sample.tasks;
    let voluntary = this.retired.voluntary;
    let involuntary = this.retired.involuntary;
    for (const t of sample.tasks.values()) {
      voluntary += t.voluntary;
      involuntary += t.involuntary;
    }
    const before = this.reported;
    this.reported = {
      cpuSeconds: Math.max(sample.cpuTicks / CLOCK_TICKS_PER_SECOND, before?.cpuSeconds ?? 0),
      rssBytes: sample.rssBytes,
      osThreads: sample.threads,
      processes: sample.processes,
      contextSwitches: {
        voluntary: Math.max(voluntary, before?.contextSwitches.voluntary ?? 0),
        involuntary: Math.max(involuntary, before?.contextSwitches.involuntary ?? 0),
      },
    };
    return this.reported;
  }
}

// The one-call readers keep a reader per root pid so that callers asking again (the lab's
// samplers) get monotonic counters too. A root that is found gone is forgotten.
const readers = new Map<number, ProcessTreeReader>();

function readerFor(rootPid: number): ProcessTreeReader {
  let reader = readers.get(rootPid);
  if (!reader) readers.set(rootPid, (reader = new ProcessTreeReader(rootPid)));
  return reader;
}

/**
 * Summed stats of rootPid and its descendants, or undefined if rootPid is not running.
 * Processes and threads that exit during the read are skipped, not errors. Synchronous: for
 * service scrapes; the lab uses readProcessTreeStatsAsync.
 */
export function readProcessTreeStats(rootPid: number): ProcessTreeStats | undefined {
  const stats = readerFor(rootPid).read();
  if (!stats) readers.delete(rootPid);
  return stats;
}

/** As readProcessTreeStats, reading /proc without blocking the event loop. */
export async function readProcessTreeStatsAsync(rootPid: number): Promise<ProcessTreeStats | undefined> {
  const stats = await readerFor(rootPid).readAsync();
  if (!stats) readers.delete(rootPid);
  return stats;
}

/** The root and all its descendants that are alive now (root first); [] if root is not running. */
export function processTree(rootPid: number): number[] {
  return runSync(readTreeStats(rootPid)).pids;
}

/** As processTree, without blocking the event loop. */
export async function processTreeAsync(rootPid: number): Promise<number[]> {
  return (await runAsync(readTreeStats(rootPid))).pids;
}
