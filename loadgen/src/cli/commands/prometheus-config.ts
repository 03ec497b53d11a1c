import { type Command, stringFlag } from '../command.js';
import { LabError } from '../../core/errors.js';
import { portOffset } from '../../runtime/ports.js';
import { renderPrometheusConfig, type ScrapeMode } from '../../observe/scrape-config.js';

const usage = `Usage: lab prometheus-config [--mode local|compose|hostnet] [--offset N]

Prints a Prometheus scrape config (every service and the lab, every 1 s) to stdout, so that a
Prometheus of your own shows the same Grafana dashboards as the Docker stack.
  --mode local    127.0.0.1 at the manifests' ports + offset (default; for \`lab up\`)
  --mode compose  docker compose service names (= dashboards/prometheus/prometheus.yml)
  --mode hostnet  127.0.0.1 at the manifests' ports (= dashboards/prometheus/prometheus.hostnet.yml)
  --offset N      port offset of the local lab (default: $LAB_PORT_OFFSET or 0)

Example: lab prometheus-config > prom.yml && prometheus --config.file=prom.yml`;

export const prometheusConfigCommand: Command = {
  name: 'prometheus-config',
  summary: 'Print a Prometheus scrape config for the local lab (or the compose/hostnet ones).',
  usage,
  options: {
    mode: { type: 'string' },
    offset: { type: 'string' },
  },
  async run(values) {
    const modeName = stringFlag(values, 'mode') ?? 'local';
    const offsetFlag = stringFlag(values, 'offset');
    let mode: ScrapeMode;
    if (modeName === 'compose' || modeName === 'hostnet') {
      if (offsetFlag !== undefined) throw new LabError(`--offset applies to --mode local only (the ${modeName} config uses the fixed ports).`);
      mode = { kind: modeName };
    } else if (modeName === 'local') {
      mode = { kind: 'local', offset: parseOffset(offsetFlag) };
    } else {
      throw new LabError(`--mode must be local, compose or hostnet, got '${modeName}'.\n\n${usage}`);
    }
    process.stdout.write(await renderPrometheusConfig(mode));
    return 0;
  },
};

function parseOffset(flag: string | undefined): number {
  try {
    return portOffset(flag === undefined ? process.env : { LAB_PORT_OFFSET: flag });
  } catch (err) {
    throw new LabError((err as Error).message.replace('LAB_PORT_OFFSET', flag === undefined ? 'LAB_PORT_OFFSET' : '--offset'));
  }
}
