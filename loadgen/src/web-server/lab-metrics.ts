// The lab's own /metrics: the load generator's registry (lab_loadgen_*) plus what the web
// server itself knows (whether each target answered its last live scrape). Registries are
// rendered one after another rather than merged, so a metric registered in two of them later
// does not take /metrics down.
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { metricSpec } from '@concurrency-lab/contract-ts';
import type { LiveScraper } from '../observe/scraper.js';

export function webRegistry(live: LiveScraper): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'lab_web_' });
  const { name, help, labels } = metricSpec('lab_live_target_up'); // contract/contract.json
  new Gauge({
    name,
    help,
    labelNames: labels,
    registers: [registry],
    collect() {
      this.reset();
      for (const s of live.series(Date.now() - 10_000)) {
        const last = s.points[s.points.length - 1];
        if (last) this.set({ target: s.name }, last.up ? 1 : 0);
      }
    },
  });
  return registry;
}

export async function renderRegistries(registries: Registry[]): Promise<string> {
  const parts = await Promise.all(registries.map((r) => r.metrics()));
  return parts.filter((p) => p.trim() !== '').join('\n');
}
