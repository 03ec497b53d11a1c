import { CONTRACT, sampleNames } from '@concurrency-lab/contract-ts';
import { parsePrometheusText, sumOf, type Sample } from '../../core/prom-text.js';
import type { Endpoint } from '../../runtime/types.js';
import type { CheckContext } from '../types.js';
import { httpGet } from '../http-client.js';

// The contract's metric vocabulary (contract/contract.json): the exact sample names each row
// must expose (a histogram's _bucket, _sum and _count), Node rows a few more.
const REQUIRED_SAMPLES = CONTRACT.metrics.every_row.flatMap(sampleNames);
const NODE_SAMPLES = CONTRACT.metrics.node_rows.flatMap(sampleNames);
const INFO_LABELS = CONTRACT.metrics.every_row.find((m) => m.name === 'lab_info')?.labels ?? [];

export function requiredSamples(target: Endpoint): string[] {
  return target.manifest.local.interpreter === 'node' ? [...REQUIRED_SAMPLES, ...NODE_SAMPLES] : REQUIRED_SAMPLES;
}

export async function scrape(target: Endpoint): Promise<{ samples: Sample[]; badLines: number; status: number }> {
  const res = await httpGet(target.metricsUrl);
  const parsed = parsePrometheusText(res.body);
  return { ...parsed, status: res.status };
}

export interface RequestCounts { http: number; line: number }

export function requestCounts(samples: Sample[]): RequestCounts {
  return {
    http: sumOf(samples, 'lab_requests_total', { protocol: 'http' }) ?? 0,
    line: sumOf(samples, 'lab_requests_total', { protocol: 'line' }) ?? 0,
  };
}

/** Names, labels and counters; `before` is a scrape taken before the other checks ran. */
export async function metricsChecks(ctx: CheckContext, before: RequestCounts | undefined): Promise<void> {
  const { target, record } = ctx;
  const url = target.metricsUrl;
  const { samples, badLines, status } = await scrape(target);
  if (status !== 200) {
    record('metrics.parse', 'fail', `GET /metrics answered ${status}`, url);
    return;
  }
  if (badLines > 0) record('metrics.parse', 'fail', `${badLines} line(s) are not Prometheus text format`, url);
  else if (samples.length === 0) record('metrics.parse', 'fail', 'no samples', url);
  else record('metrics.parse', 'pass', `${samples.length} samples`, url);

  const required = requiredSamples(target);
  const missing = required.filter((name) => !samples.some((s) => s.name === name));
  if (missing.length > 0) record('metrics.names', 'fail', `missing: ${missing.join(', ')}`, url);
  else record('metrics.names', 'pass', `all ${required.length} contract names present`, url);

  const info = samples.find((s) => s.name === 'lab_info');
  const infoMissing = INFO_LABELS.filter((l) => !info?.labels[l]);
  if (info && infoMissing.length > 0) record('metrics.lab-info', 'fail', `lab_info lacks label(s) ${infoMissing.join(', ')}`, url);
  else if (info) record('metrics.lab-info', 'pass', `model="${info.labels.model}" runtime="${info.labels.runtime}"`, url);

  const unlabelled = samples.filter((s) => required.includes(s.name) && s.labels.impl !== target.name);
  if (unlabelled.length > 0) {
    const shown = unlabelled.slice(0, 3).map((s) => `${s.name}{impl="${s.labels.impl ?? ''}"}`).join(', ');
    record('metrics.impl-label', 'fail', `${unlabelled.length} series without impl="${target.name}", e.g. ${shown}`, url);
  } else {
    record('metrics.impl-label', 'pass', `every contract series has impl="${target.name}"`, url);
  }

  const unit = target.manifest.concurrencyUnit;
  const units = samples.filter((s) => s.name === 'lab_concurrency_units');
  if (units.some((s) => s.labels.unit === unit)) record('metrics.concurrency-unit', 'pass', `unit="${unit}"`, url);
  else record('metrics.concurrency-unit', 'fail', `lab_concurrency_units has no series with unit="${unit}" (found: ${units.map((s) => s.labels.unit ?? '(none)').join(', ') || 'none'})`, url);

  if (before) {
    const after = requestCounts(samples);
    const still = (['http', 'line'] as const).filter((p) => !(after[p] > before[p]));
    if (still.length > 0) record('metrics.requests-counted', 'fail', `lab_requests_total{protocol=${still.join('/')}} did not move during verify (before ${JSON.stringify(before)}, after ${JSON.stringify(after)})`, url);
    else record('metrics.requests-counted', 'pass', `http +${after.http - before.http}, line +${after.line - before.line}`, url);
  }
}
