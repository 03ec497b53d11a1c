import { parsePrometheusText, sumOf } from '../../core/prom-text.js';
import type { ServiceStats } from '../types.js';

// A task on another node: the manager's Docker API cannot read that node's cgroups, and this
// host's /proc does not see its processes. The row's own /metrics says the same things (every
// row reads /proc inside its container: contract/README.md, metric vocabulary).

/** ServiceStats from a row's /metrics; undefined when it does not answer or lacks a figure. */
export async function statsFromMetrics(metricsUrl: string, timeoutMs = 1000): Promise<ServiceStats | undefined> {
  let text: string;
  try {
    const res = await fetch(metricsUrl, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return undefined;
    text = await res.text();
  } catch {
    return undefined;
  }
  const { samples } = parsePrometheusText(text);
  const cpuSeconds = sumOf(samples, 'process_cpu_seconds_total');
  const rssBytes = sumOf(samples, 'process_resident_memory_bytes');
  const osThreads = sumOf(samples, 'lab_os_threads');
  if (cpuSeconds === undefined || rssBytes === undefined || osThreads === undefined) return undefined;
  return {
    cpuSeconds,
    rssBytes,
    osThreads,
    // The vocabulary has no process count: a forking row's children are in its sums, not here.
    processes: 1,
    contextSwitches: {
      voluntary: sumOf(samples, 'lab_context_switches_total', { kind: 'voluntary' }) ?? 0,
      involuntary: sumOf(samples, 'lab_context_switches_total', { kind: 'involuntary' }) ?? 0,
    },
  };
}
