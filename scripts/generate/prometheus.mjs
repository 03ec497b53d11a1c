// dashboards/prometheus/*.yml: rendered by dashboards/prometheus/render.mjs, which
// `lab prometheus-config` also uses, from the manifests.
import { COMMITTED_CONFIGS, renderPrometheusConfig, scrapeServices } from '../../dashboards/prometheus/render.mjs';

export function prometheusConfigs({ manifests }) {
  return COMMITTED_CONFIGS.map(({ file, mode }) => ({ file, text: renderPrometheusConfig(mode, scrapeServices(manifests)) }));
}
