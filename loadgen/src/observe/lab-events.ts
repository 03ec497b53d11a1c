import { Gauge } from 'prom-client';
import { metricSpec } from '@concurrency-lab/contract-ts';
import { loadgenRegistry } from './loadgen-metrics.js';

// Scenario events as they happen, for whoever watches live: `lab_loadgen_event{kind,service}`
// is 1 while an event is in effect (Grafana draws it as an annotation region), and the web
// page's live view reads the recent ones from /api/live to mark its charts.

const gauge = (() => {
  const { name, help, labels } = metricSpec('lab_loadgen_event');
  return new Gauge<'kind' | 'service'>({ name, help, labelNames: labels as ('kind' | 'service')[], registers: [loadgenRegistry] });
})();

export interface LiveEvent {
  /** Epoch ms it started, and ended (absent while in effect). */
  t: number;
  end?: number;
  kind: string;
  service: string;
  label: string;
}

const KEEP = 200;
const recent: LiveEvent[] = [];

export const liveEvents = {
  /** An event took effect; call the returned function when its effect ends. */
  started(kind: string, service: string, label: string): () => void {
    const e: LiveEvent = { t: Date.now(), kind, service, label };
    recent.push(e);
    if (recent.length > KEEP) recent.shift();
    gauge.set({ kind, service }, 1);
    return () => {
      if (e.end !== undefined) return;
      e.end = Date.now();
      gauge.remove({ kind, service });
    };
  },
  /** Events started or ended at or after `sinceMs`, and those still in effect. */
  since(sinceMs: number): LiveEvent[] {
    return recent.filter((e) => e.t >= sinceMs || e.end === undefined || e.end >= sinceMs).map((e) => ({ ...e }));
  },
};
