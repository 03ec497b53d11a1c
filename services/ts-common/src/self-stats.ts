import { readFileSync } from 'node:fs';
import { parseStat, type ProcessTreeStats } from '@concurrency-lab/proc-stats';

// The process_* series of a service that never starts child processes, from this process's
// own counters: what a /proc tree walk reports for a one-process tree, for a fraction of its
// cost. The walk reads about two files per thread (node runs ~11 threads), and at the lab's
// 2 Hz scrape that was the largest single part of what observing node-eventloop cost it.
// getrusage (process.resourceUsage) counts the switches of every thread, exited ones too, as
// the Python rows' own counters do; /proc/self/stat gives the thread count and the CPU of
// children already reaped (a service that starts none has none, but it costs nothing to add).

const CLOCK_TICKS_PER_SECOND = 100;

export function readSelfStats(): ProcessTreeStats {
  const usage = process.resourceUsage();
  const stat = parseStat(readFileSync('/proc/self/stat', 'utf8'));
  return {
    cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 + (stat?.reapedChildrenCpuTicks ?? 0) / CLOCK_TICKS_PER_SECOND,
    rssBytes: process.memoryUsage.rss(),
    osThreads: stat?.threads ?? 1,
    processes: 1,
    contextSwitches: { voluntary: usage.voluntaryContextSwitches, involuntary: usage.involuntaryContextSwitches },
  };
}
