import { latencyHistogram, latencyOf, type LatencyHistogram } from '../../executors/load-common/histogram.js';
import { emptyErrors, type Measurement } from '../../executors/common/executor.js';
import type { GeneratorUsage } from '../../model/results.js';
import { decodeHistogram, type WorkerReport } from './protocol.js';
import { mergeReconnects, type ReconnectFigures } from '../../executors/load-common/reconnect-backoff.js';

// K reports become one step measurement, exactly: counters add up, and the percentiles come
// from the sum of the K histograms (averaging K p99s would be wrong: a p99 is not additive).


export interface Merged {
  measurement: Measurement;
  histogram: LatencyHistogram;
  generators: GeneratorUsage[];
}

/** The generators' measure windows must overlap: more skew than this share of a step is warned about. */
const MAX_SKEW_SHARE = 0.1;

export function mergeReports(reports: WorkerReport[], loads: number[]): Merged {
  if (reports.length === 0) throw new Error('no load generator reported');
  const failed = reports.filter((r) => r.error !== undefined);
  if (failed.length > 0) throw new Error(`load generator${failed.length > 1 ? 's' : ''} failed: ${failed.map((r) => `#${r.index} on ${r.host}: ${r.error}`).join('; ')}`);
  const byIndex = [...reports].sort((a, b) => a.index - b.index);
  const missing = loads.map((_, i) => i).filter((i) => !byIndex.some((r) => r.index === i));
  if (missing.length > 0 || byIndex.length !== loads.length) {
    throw new Error(`expected reports of ${loads.length} load generators, got ${byIndex.map((r) => `#${r.index}`).join(', ') || 'none'} (missing ${missing.map((i) => `#${i}`).join(', ') || 'none; duplicates'})`);
  }
  const histogram = latencyHistogram();
  const errors = emptyErrors();
  const warnings: string[] = [];
  let requests = 0;
  let ok = 0;
  let threads = 0;
  const reconnectParts: ReconnectFigures[] = [];
  for (const r of byIndex) {
    const m = r.measurement;
    const { reconnects, ...others } = m.fields ?? {};
    if (Object.keys(others).length > 0) throw new Error(`load generator #${r.index}: its executor adds step fields (${Object.keys(others).join(', ')}), which cannot be merged across generators`);
    if (reconnects !== undefined) reconnectParts.push(reconnects as ReconnectFigures);
    histogram.add(decodeHistogram(r.histogram, `#${r.index} on ${r.host}`));
    requests += m.requests;
    ok += m.ok;
    threads += m.loadgenThreads;
    errors.timeouts += m.errors.timeouts;
    errors.non2xx += m.errors.non2xx;
    errors.connection += m.errors.connection;
    for (const [kind, n] of Object.entries(m.errors.by_kind)) errors.by_kind[kind] = (errors.by_kind[kind] ?? 0) + n;
    warnings.push(...m.warnings.map((w) => `load generator #${r.index}: ${w}`));
  }
  const durationS = Math.max(...byIndex.map((r) => r.measurement.durationS));
  const skewMs = Math.max(...byIndex.map((r) => r.measureStartMs)) - Math.min(...byIndex.map((r) => r.measureStartMs));
  if (skewMs > MAX_SKEW_SHARE * durationS * 1000) {
    warnings.push(`the ${byIndex.length} load generators started measuring ${(skewMs / 1000).toFixed(2)} s apart (over ${MAX_SKEW_SHARE * 100}% of the step): their windows overlap only in part; check the nodes' clocks (NTP)`);
  }
  return {
    measurement: {
      requests,
      ok,
      durationS,
      latencyMs: ok > 0 ? latencyOf(histogram) : { p50: null, p90: null, p99: null, p999: null, max: null },
      errors,
      loadgenThreads: threads,
      warnings,
      // The coordinator has no per-second view of the generators: the live rate comes from the server.
      liveFromServer: true,
      ...(reconnectParts.length > 0 ? mergedReconnects(mergeReconnects(reconnectParts)) : {}),
    },
    histogram,
    generators: byIndex.map((r) => ({
      index: r.index,
      host: r.host,
      load: loads[r.index]!,
      requests: r.measurement.requests,
      ok: r.measurement.ok,
      cpu_seconds: Math.round(r.cpuSeconds * 1000) / 1000,
    })),
  };
}

function mergedReconnects(r: ReconnectFigures): Pick<Measurement, 'fields' | 'unreachableS'> {
  return { fields: { reconnects: r }, unreachableS: r.unreachable_s };
}
