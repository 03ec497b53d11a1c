// What one scrapes, where: a typed door to dashboards/prometheus/render.mjs, the one renderer of
// the committed Prometheus configs (written by `npm run generate`) and of `lab prometheus-config`.
// The services are the manifests' (loadgen/src/core/manifest/discover.ts), never a list of our own.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { discoverServices } from '../core/manifest/discover.js';
import { repoRoot } from '../core/manifest/repo-root.js';
import type { ServiceManifest } from '../runtime/types.js';

export interface ScrapeService {
  name: string;
  /** The manifest's HTTP port, before any offset. */
  port: number;
}

export type ScrapeMode =
  | { kind: 'compose' }
  | { kind: 'hostnet' }
  | { kind: 'local'; offset: number };

interface Renderer {
  LAB_SERVICE: ScrapeService;
  COMMITTED_CONFIGS: Array<{ file: string; mode: ScrapeMode }>;
  scrapeServices(manifests: Array<Pick<ServiceManifest, 'name' | 'role' | 'ports'>>): ScrapeService[];
  renderPrometheusConfig(mode: ScrapeMode, services: ScrapeService[]): string;
}

let renderer: Promise<Renderer> | undefined;

/** dashboards/prometheus/render.mjs of this repository (plain ESM, also in the lab image). */
export function prometheusRenderer(): Promise<Renderer> {
  renderer ??= import(pathToFileURL(path.join(repoRoot(), 'dashboards', 'prometheus', 'render.mjs')).href) as Promise<Renderer>;
  return renderer;
}

/** Upstream first, then every row by HTTP port, from the manifests in servicesDir. */
export async function scrapeServices(servicesDir?: string): Promise<ScrapeService[]> {
  return (await prometheusRenderer()).scrapeServices(discoverServices(servicesDir));
}

/** The whole prometheus.yml text: one job per service (job = service name) and the lab, every 1 s. */
export async function renderPrometheusConfig(mode: ScrapeMode, services?: ScrapeService[]): Promise<string> {
  return (await prometheusRenderer()).renderPrometheusConfig(mode, services ?? (await scrapeServices()));
}

/** The committed files (dashboards/prometheus/*.yml) and the mode each is rendered in. */
export async function committedConfigs(): Promise<Array<{ file: string; mode: ScrapeMode }>> {
  return (await prometheusRenderer()).COMMITTED_CONFIGS;
}
