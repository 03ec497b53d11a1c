import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseStat } from '@concurrency-lab/proc-stats';
import type { MachineNoise } from '../model/noise.js';

export type { MachineNoise };

// What else used the machine during a window (issue 18, "the machine's noise, recorded"): the
// CPU the kernel counts as busy in /proc/stat, minus what the lab's own processes used (their
// utime + stime from /proc/<pid>/stat, and the children they reaped), is CPU some other
// program took from the rows. Steal (a hypervisor running someone else) and the load average
// are recorded beside it. A window with more than BUSY_FOREIGN_CORES of foreign CPU is a
// "busy machine": its figures are not comparable with a quiet run's.
//
// Interrupt time (irq, softirq) is kept out of both sides and reported on its own: loopback
// traffic between the load generator and a row is mostly softirq, and counting it as foreign
// would flag every loaded step. /proc is scanned whole, synchronously (a few hundred small
// files, a few ms of CPU), so call this at step boundaries or every second or so, not faster.

export const BUSY_FOREIGN_CORES = 0.05;
// USER_HZ is 100 on every Linux ABI Node supports (/proc/stat and /proc/<pid>/stat use it).
const TICKS_PER_SECOND = 100;

/** One part of the lab: trees under `pids` and every process of the groups `pgids` (with their descendants). */
export interface LabPart {
  name: string;
  pids?: readonly number[];
  pgids?: readonly number[];
}

export interface CpuTimes {
  /** user + nice + system: CPU that processes used. */
  process: number;
  irq: number;
  steal: number;
  /** Every column, idle and iowait included. */
  total: number;
}

export interface MachineSnapshot {
  atMs: number;
  cpu: CpuTimes;
  /** Ticks per part (own + reaped children of every process the part holds). */
  parts: Record<string, number>;
  /** How many processes the parts held: each adds up to a tick of rounding to a window. */
  labProcesses: number;
  /** Ticks of every process outside the parts, by pid (with its name): who the foreign CPU was. */
  foreign: Map<number, { comm: string; ticks: number }>;
  loadavg: [number, number, number];
}


/** The aggregate `cpu` line of /proc/stat. */
export function parseCpuTimes(procStat: string): CpuTimes {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('/proc/stat has no aggregate cpu line');
  // user nice system idle iowait irq softirq steal guest guest_nice; guest is already in user.
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1, 9).map((v) => Number(v ?? 0));
  const cols = [user, nice, system, idle, iowait, irq, softirq, steal].map((v) => (Number.isFinite(v) ? v! : 0));
  return { process: cols[0]! + cols[1]! + cols[2]!, irq: cols[5]! + cols[6]!, steal: cols[7]!, total: cols.reduce((s, v) => s + v, 0) };
}

interface ProcEntry { pid: number; ppid: number; pgrp: number; ticks: number; comm: string }

function readAllProcesses(): ProcEntry[] {
  const entries: ProcEntry[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let text: string;
    try {
      text = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited while we listed
    }
    const stat = parseStat(text);
    const pgrp = Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[2]);
    const comm = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
    if (stat && Number.isFinite(pgrp)) entries.push({ pid: Number(name), ppid: stat.ppid, pgrp, ticks: stat.cpuTicks + stat.reapedChildrenCpuTicks, comm });
  }
  return entries;
}

/** Which part each process belongs to: the first part (in the caller's order) whose roots or groups hold it or an ancestor. */
export function assignParts(processes: readonly Pick<ProcEntry, 'pid' | 'ppid' | 'pgrp'>[], parts: readonly LabPart[]): Map<number, string> {
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  const owner = new Map<number, string | null>();
  const direct = (p: Pick<ProcEntry, 'pid' | 'pgrp'>): string | undefined =>
    parts.find((part) => part.pids?.includes(p.pid) || part.pgids?.includes(p.pgrp))?.name;
  const ownerOf = (pid: number, depth = 0): string | null => {
    const known = owner.get(pid);
    if (known !== undefined) return known;
    const p = byPid.get(pid);
    // Depth guard: pid 0/1 end the chain; a cycle cannot happen in /proc but costs nothing to stop.
    const found = !p ? null : direct(p) ?? (p.ppid > 1 && depth < 512 ? ownerOf(p.ppid, depth + 1) : null);
    owner.set(pid, found);
    return found;
  };
  const result = new Map<number, string>();
  for (const p of processes) {
    const name = ownerOf(p.pid);
    if (name) result.set(p.pid, name);
  }
  return result;
}

export function snapshotMachine(parts: readonly LabPart[]): MachineSnapshot {
  const atMs = performance.now();
  const processes = readAllProcesses();
  const cpu = parseCpuTimes(readFileSync('/proc/stat', 'utf8'));
  const owners = assignParts(processes, parts);
  const ticks: Record<string, number> = Object.fromEntries(parts.map((p) => [p.name, 0]));
  const foreign = new Map<number, { comm: string; ticks: number }>();
  for (const p of processes) {
    const name = owners.get(p.pid);
    if (name) ticks[name] = ticks[name]! + p.ticks;
    else foreign.set(p.pid, { comm: p.comm, ticks: p.ticks });
  }
  const [l1, l5, l15] = os.loadavg();
  return { atMs, cpu, parts: ticks, labProcesses: owners.size, foreign, loadavg: [l1!, l5!, l15!] };
}

/** The figures of the window between two snapshots (of the same parts). */
export function machineNoise(before: MachineSnapshot, after: MachineSnapshot, threshold = BUSY_FOREIGN_CORES): MachineNoise {
  const seconds = (after.atMs - before.atMs) / 1000;
  if (!(seconds > 0)) throw new RangeError('the second snapshot must be later than the first');
  const cores = (ticks: number) => ticks / TICKS_PER_SECOND / seconds;
  const lab: Record<string, number> & { total: number } = { total: 0 };
  for (const name of Object.keys(after.parts)) {
    // A process that exited and was reaped outside the lab takes its ticks with it: never below 0.
    lab[name] = Math.max(0, cores(after.parts[name]! - (before.parts[name] ?? 0)));
    lab.total += lab[name]!;
  }
  const busy = cores(after.cpu.process - before.cpu.process);
  const foreign = Math.max(0, busy - lab.total);
  const totalTicks = after.cpu.total - before.cpu.total;
  const resolution = cores(Math.max(before.labProcesses, after.labProcesses) + 1);
  return {
    window_s: seconds,
    cpus: os.availableParallelism(),
    busy_cores: busy,
    foreign_cpu_cores: foreign,
    lab_cpu_cores: lab,
    irq_cores: cores(after.cpu.irq - before.cpu.irq),
    steal_pct: totalTicks > 0 ? (100 * (after.cpu.steal - before.cpu.steal)) / totalTicks : 0,
    loadavg: after.loadavg,
    resolution_cores: resolution,
    // Above the threshold and above its own rounding: a 0.1 s window (an overhead step at 1,000
    // workers) rounds every process to 10 ms ticks, so a reading of 0.07 cores there is noise.
    busy_machine: foreign > threshold && foreign > resolution,
    foreign_top: topForeign(before, after, cores),
  };
}

/** The three foreign processes that used the most CPU between the snapshots, each above a tick over the window. */
function topForeign(before: MachineSnapshot, after: MachineSnapshot, cores: (ticks: number) => number): { name: string; pid: number; cores: number }[] {
  const used: { name: string; pid: number; cores: number }[] = [];
  for (const [pid, p] of after.foreign) {
    const was = before.foreign.get(pid);
    // A process born in the window counts from 0, and so does a reused pid (its ticks went
    // down). Not the name: a kernel worker's changes with its work item (kworker/1:1-events).
    const ticks = p.ticks - (was && was.ticks <= p.ticks ? was.ticks : 0);
    if (ticks > 1) used.push({ name: p.comm, pid, cores: Math.round(cores(ticks) * 1000) / 1000 });
  }
  return used.sort((a, b) => b.cores - a.cores).slice(0, 3);
}

/**
 * Snapshots every `intervalMs` until stop(): one MachineNoise per window, and one for the
 * whole. `parts` is asked at every snapshot (rows start and stop during a run); the parts'
 * names must stay the same from one snapshot to the next for their deltas to mean anything.
 */
export class MachineNoiseRecorder {
  private readonly snapshots: MachineSnapshot[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly parts: () => readonly LabPart[], private readonly intervalMs = 1000) {}

  start(): void {
    if (this.timer) return;
    this.snapshots.push(snapshotMachine(this.parts()));
    this.timer = setInterval(() => this.snapshots.push(snapshotMachine(this.parts())), this.intervalMs);
    this.timer.unref();
  }

  stop(): { windows: MachineNoise[]; whole: MachineNoise | undefined } {
    if (!this.timer) return { windows: [], whole: undefined };
    clearInterval(this.timer);
    this.timer = undefined;
    this.snapshots.push(snapshotMachine(this.parts()));
    const s = this.snapshots.splice(0);
    const windows = s.slice(1).map((after, i) => machineNoise(s[i]!, after));
    return { windows, whole: machineNoise(s[0]!, s[s.length - 1]!) };
  }
}
