import { figureValue, type Figure } from '../../model/figures.js';
import { errorPercent } from '../../model/derived.js';
import type { StepResult } from '../../model/results.js';

// The load view's figures of a step that put request load (ResultView.figures): rate, latency,
// errors, efficiency (requests per server CPU-second), memory, and per scenario event how long
// the row took to recover. Keys: contract/README.md, "Figures".

/** Right answers per CPU-second the server used in the step (the efficiency finding's figure); null without a CPU sample. */
export function requestsPerCpuSecond(s: StepResult): number | null {
  const cpu = s.server.cpu_seconds;
  return cpu !== null && cpu > 0 ? (s.rps * s.duration_s) / cpu : null;
}

export function loadFigures(s: StepResult): Figure[] {
  const answered = s.requests > 0;
  return [
    { key: 'rps', label: 'req/s', unit: 'req/s', better: 'higher', value: figureValue(s.rps) },
    { key: 'latency.p50_ms', label: 'p50', unit: 'ms', better: 'lower', value: answered ? figureValue(s.latency_ms.p50) : null },
    { key: 'latency.p99_ms', label: 'p99', unit: 'ms', better: 'lower', value: answered ? figureValue(s.latency_ms.p99) : null },
    { key: 'errors.pct', label: 'errors', unit: '%', better: 'lower', value: figureValue(errorPercent(s)) },
    { key: 'requests_per_cpu_s', label: 'requests per server CPU-second', unit: 'req/CPU-s', better: 'higher', value: figureValue(requestsPerCpuSecond(s)) },
    { key: 'server.rss_peak_bytes', label: 'RSS peak', unit: 'bytes', better: 'lower', value: figureValue(s.server.rss_bytes_peak) },
    ...recoveryFigures(s),
  ];
}

/** Per event of the step (model/story.ts Recovery): seconds until req/s was back; null when it never was. */
export function recoveryFigures(s: StepResult): Figure[] {
  return (s.recovery ?? []).map((r) => ({
    key: `recovery.${r.event}.s`, label: `recovery after event ${r.event} (${r.kind} ${r.service})`, unit: 's', better: 'lower' as const,
    value: r.recovered ? figureValue(r.recovery_s) : null,
  }));
}
