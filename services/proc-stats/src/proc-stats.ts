import { performance } from 'node:perf_hooks';
import { parseStat, parseTaskStatus, treeOf, type StatLine } from './proc-parse.js';
import { runAsync, runSync, type ProcPass } from './proc-pass.js';

export * from './proc-parse.js';

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

// One sampling pass (below) is written once, as a generator asking for batches of /proc
// reads, driven synchronously or asynchronously by proc-pass.ts.

interface TreeStatsPass {
  pids: number[];
  stats: Map<number, StatLine>;
}

/** Above this many threads in a level, one scan of /proc (a process count) is fewer reads than a children-file walk. */
const WALK_MAX_TASKS = 64;

/**
 * The tree by walking down from the root through /proc/<pid>/task/<tid>/children (every
 * thread's own children: a child forked by a non-main thread is listed only there). That
 * reads a few files per process of the service instead of the stat of every process on the
 * machine, which made each scrape cost tens of milliseconds of CPU. The walk costs one file
 * per thread, though: for processes with many threads (python-threads at thousands of
 * connections) one scan of /proc/*\/stat is cheaper, and so it is for kernels built without
 * CONFIG_PROC_CHILDREN, which have no children file.
 */
function* readTreeStats(rootPid: number): ProcPass<TreeStatsPass> {
  const stats = new Map<number, StatLine>();
  const pids: number[] = [];
  let level = [rootPid];
  while (level.length > 0) {
    const statTexts = (yield { op: 'read', paths: level.map((pid) => `/proc/${pid}/stat`) }) as (string | undefined)[];
    const alive: number[] = [];
    level.forEach((pid, i) => {
      const parsed = statTexts[i] === undefined ? undefined : parseStat(statTexts[i]!);
      if (!parsed) return; // exited while the walk read it
      stats.set(pid, parsed);
      pids.push(pid);
      alive.push(pid);
    });
    if (alive.reduce((n, pid) => n + stats.get(pid)!.threads, 0) > WALK_MAX_TASKS) return yield* scanAllProcs(rootPid);
    const taskLists = (yield { op: 'list', paths: alive.map((pid) => `/proc/${pid}/task`) }) as (string[] | undefined)[];
    const childFiles = alive.flatMap((pid, i) => (taskLists[i] ?? []).map((tid) => `/proc/${pid}/task/${tid}/children`));
    const childTexts = (yield { op: 'read', paths: childFiles }) as (string | undefined)[];
    if (level[0] === rootPid && childFiles.length > 0 && childTexts.every((t) => t === undefined)) {
      return yield* scanAllProcs(rootPid);
    }
    const next = childTexts.flatMap((text) => (text ?? '').split(' ').filter((c) => /^\d+$/.test(c)).map(Number));
    level = [...new Set(next)].filter((pid) => !stats.has(pid));
  }
  return { pids, stats };
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
  /** tid -> its own context-switch counts, for the tasks read in this pass. */
  tasks: Map<number, { pid: number; voluntary: number; involuntary: number }>;
  /** Multi-threaded processes whose other tasks were not read in this pass (their last counts stand). */
  tasksSkipped: Set<number>;
}

/**
 * Per process: /proc/<pid>/stat (CPU of every thread, thread count) and /proc/<pid>/status
 * (VmRSS, and the switches of the leader task, which is every task of a single-threaded
 * process). Context switches of the other threads need one status file per thread (no /proc
 * file sums them: status and sched count the leader alone); readTasks says whether to read
 * them in this pass, given the service's thread count.
 */
function* sampleTree(rootPid: number, readTasks: (threads: number) => boolean): ProcPass<TreeSample | undefined> {
  const { pids, stats } = yield* readTreeStats(rootPid);
  if (pids.length === 0) return undefined;
  const sample: TreeSample = { processes: 0, threads: 0, cpuTicks: 0, rssBytes: 0, tasks: new Map(), tasksSkipped: new Set() };
  const leaders = (yield { op: 'read', paths: pids.map((pid) => `/proc/${pid}/status`) }) as (string | undefined)[];
  const live = pids.filter((_, i) => leaders[i] !== undefined); // the others exited after their stat was read
  pids.forEach((pid, i) => {
    if (leaders[i] === undefined) return;
    const stat = stats.get(pid)!;
    const status = parseTaskStatus(leaders[i]!);
    sample.processes += 1;
    sample.threads += stat.threads;
    sample.cpuTicks += stat.cpuTicks + stat.reapedChildrenCpuTicks;
    sample.rssBytes += (status.rssKb ?? 0) * 1024;
    sample.tasks.set(pid, { pid, voluntary: status.voluntary, involuntary: status.involuntary });
  });
  const threaded = live.filter((pid) => stats.get(pid)!.threads > 1);
  if (threaded.length === 0) return sample;
  if (!readTasks(sample.threads)) {
    for (const pid of threaded) sample.tasksSkipped.add(pid);
    return sample;
  }
  const taskLists = (yield { op: 'list', paths: threaded.map((pid) => `/proc/${pid}/task`) }) as (string[] | undefined)[];
  const owners: number[] = [];
  const tids: number[] = [];
  threaded.forEach((pid, i) => {
    for (const tid of taskLists[i] ?? []) {
      if (Number(tid) === pid) continue; // the leader: read above
      owners.push(pid);
      tids.push(Number(tid));
    }
  });
  const statuses = (yield { op: 'read', paths: tids.map((tid, i) => `/proc/${owners[i]}/task/${tid}/status`) }) as (string | undefined)[];
  statuses.forEach((text, i) => {
    if (text === undefined) return; // the thread ended between listing and reading
    const status = parseTaskStatus(text);
    sample.tasks.set(tids[i]!, { pid: owners[i]!, voluntary: status.voluntary, involuntary: status.involuntary });
  });
  return sample;
}

/** Every thread's status file is read in every pass up to this many threads in the service... */
const TASK_READS_MAX_THREADS = 256;
/** ...and above it at most this often (python-threads at 9,000 connections: 9,000 files a pass). */
const TASK_READS_EVERY_MS = 10_000;

/**
 * Reads one service's tree again and again, keeping the exported counters monotonic (they
 * back Prometheus counters and the lab's before/after deltas): context switches of tasks that
 * are gone are kept in a retired total, and no counter is ever reported lower than before
 * (a child that exited but is not yet reaped by a parent in the tree drops out for a moment).
 * Between two reads of every task of a service with many threads, the tasks not read keep
 * their last counts (the total lags by at most TASK_READS_EVERY_MS; the rows' own
 * lab_context_switches_total, from getrusage, is exact and is what the lab's sampler uses).
 */
export class ProcessTreeReader {
  private lastByTid = new Map<number, { pid: number; voluntary: number; involuntary: number }>();
  private retired = { voluntary: 0, involuntary: 0 };
  private reported: ProcessTreeStats | undefined;
  private started = 0;
  private accounted = 0;
  private lastTaskReadAt = -Infinity;
  private inFlight: Promise<ProcessTreeStats | undefined> | undefined;

  constructor(readonly rootPid: number) {}

  /** Summed stats now, or undefined if rootPid is not running. Blocks while it reads /proc. */
  read(): ProcessTreeStats | undefined {
    const seq = ++this.started;
    return this.account(seq, runSync(sampleTree(this.rootPid, this.readTasks)));
  }

  /** As read(), without blocking the event loop; calls made while one is running share it. */
  readAsync(): Promise<ProcessTreeStats | undefined> {
    if (!this.inFlight) {
      const seq = ++this.started;
      this.inFlight = runAsync(sampleTree(this.rootPid, this.readTasks))
        .then((sample) => this.account(seq, sample))
        .finally(() => { this.inFlight = undefined; });
    }
    return this.inFlight;
  }

  private readonly readTasks = (threads: number): boolean => {
    const now = performance.now();
    if (threads > TASK_READS_MAX_THREADS && now - this.lastTaskReadAt < TASK_READS_EVERY_MS) return false;
    this.lastTaskReadAt = now;
    return true;
  };

  private account(seq: number, sample: TreeSample | undefined): ProcessTreeStats | undefined {
    if (!sample) return undefined;
    // A pass that started before one already accounted (a sync read during an async one)
    // would make live tasks look reset: report what is known instead.
    if (seq < this.accounted) return this.reported;
    this.accounted = seq;
    for (const [tid, last] of this.lastByTid) {
      const now = sample.tasks.get(tid);
      if (!now && sample.tasksSkipped.has(last.pid)) {
        sample.tasks.set(tid, last); // not read in this pass: its last count stands
        continue;
      }
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
