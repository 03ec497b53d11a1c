// The lab's own /metrics: the load generator's registry (lab_loadgen_*) plus what the web
// server itself knows (whether each target answered its last live scrape). Registries are
// rendered one after another rather than merged, so a metric registered in two of them later
// does not take /metrics down.
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { LiveScraper } from '../live/scraper.js';

export function webRegistry(live: LiveScraper): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'lab_web_' });
  new Gauge({
    name: 'lab_live_target_up',
    help: '1 if the lab\'s own last 1 s scrape of the target\'s /metrics succeeded, else 0.',
    labelNames: ['target'],
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
