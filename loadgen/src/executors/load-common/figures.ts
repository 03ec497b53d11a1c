import { figureValue, type Figure } from '../../model/figures.js';
import { errorPercent, serverCores } from '../../model/derived.js';
import type { StepResult } from '../../model/results.js';
import { reconnectFigures } from './reconnects.js';

// The load view's figures of a step that put request load (ResultView.figures): rate, latency,
// errors, efficiency (requests per server CPU-second), memory, and per scenario event how long
// the row took to recover. Keys: contract/README.md, "Figures".

/**
 * Requests answered per CPU-second the server used in the step; null without a CPU sample.
 * Answers per second (over duration_s) over cores (CPU over window.real_s): one window per rate.
 */
export function requestsPerCpuSecond(s: StepResult): number | null {
  const cores = serverCores(s);
  return cores !== null && s.duration_s > 0 ? s.requests / s.duration_s / cores : null;
}

export function loadFigures(s: StepResult): Figure[] {
  const answered = s.requests > 0;
  return [
    { key: 'rps', label: 'req/s', unit: 'req/s', better: 'higher', value: figureValue(s.rps) },
    { key: 'latency.p50_ms', label: 'p50', unit: 'ms', better: 'lower', value: answered ? figureValue(s.latency_ms.p50) : null },
    { key: 'latency.p99_ms', label: 'p99', unit: 'ms', better: 'lower', value: answered ? figureValue(s.latency_ms.p99) : null },
    { key: 'errors.pct', label: 'errors', unit: '%', better: 'lower', value: figureValue(errorPercent(s)) },
    { key: 'requests_per_cpu_s', label: 'requests per server CPU-second', unit: 'req/CPU-s', better: 'higher', value: figureValue(requestsPerCpuSecond(s)) },
    // Runs since issue 18: the mean (Little's law) and the row's own histogram, the third latency witness.
    ...(s.latency_ms.mean !== undefined ? [{ key: 'latency.mean_ms', label: 'mean latency', unit: 'ms', better: 'lower' as const, value: answered ? figureValue(s.latency_ms.mean) : null }] : []),
    ...(s.server.latency_ms ? [
      { key: 'server.latency.p50_ms', label: "row's own p50", unit: 'ms', better: 'lower' as const, value: figureValue(s.server.latency_ms.p50) },
      { key: 'server.latency.p99_ms', label: "row's own p99", unit: 'ms', better: 'lower' as const, value: figureValue(s.server.latency_ms.p99) },
    ] : []),
    { key: 'server.rss_peak_bytes', label: 'RSS peak', unit: 'bytes', better: 'lower', value: figureValue(s.server.rss_bytes_peak) },
    ...recoveryFigures(s),
    ...reconnectFigures(s),
  ];
}

/** Per event of the step (model/step-timeline.ts Recovery): seconds until req/s was back; null when it never was. */
export function recoveryFigures(s: StepResult): Figure[] {
  return (s.recovery ?? []).map((r) => ({
    key: `recovery.${r.event}.s`, label: `recovery after event ${r.event} (${r.kind} ${r.service})`, unit: 's', better: 'lower' as const,
    value: r.recovered ? figureValue(r.recovery_s) : null,
  }));
}
