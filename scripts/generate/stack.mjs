// docker-stack.yml (`docker stack deploy -c docker-stack.yml lab`, Docker Swarm mode) and the
// Prometheus config it ships, both whole files written from the manifests.
//
// Placement: upstream and rows on nodes labelled lab.role=targets, Prometheus, Grafana and the
// lab's web dashboard on lab.role=control (a manager: they read the swarm API), load generator
// tasks on lab.role=loadgen. A node has one lab.role, so the value each placement wants is a
// variable (LAB_TARGETS_ROLE, ...): a node doing several jobs is labelled `all` and the
// variables of its jobs set to `all` (Prometheus keeps `<role>` and `all` nodes).
// Host networking, like docker-compose.hostnet.yml: every service keeps its manifest's port on
// its node's addresses (LAB_BIND, 0.0.0.0 by default so that other machines reach it).
// Files are swarm configs, not bind mounts: the manager hands them to whichever node runs the task.
import { renderPrometheusConfig, scrapeServices, LAB_SERVICE } from '../../dashboards/prometheus/render.mjs';
import { HEALTHCHECK_TIMING } from './dockerfile-common.mjs';
import { grafanaDashboards } from './grafana.mjs';
import { implementationsOf, upstreamOf } from './manifests.mjs';

export const STACK_FILE = 'docker-stack.yml';
export const SWARM_PROMETHEUS_FILE = 'dashboards/prometheus/prometheus.swarm.yml';

/** The placements, each a node label value that a variable can replace. */
const ROLES = { targets: 'LAB_TARGETS_ROLE', control: 'LAB_CONTROL_ROLE', loadgen: 'LAB_LOADGEN_ROLE' };
const placedOn = (role) => `node.labels.lab.role == \${${ROLES[role]}:-${role}}`;

/** The images' own health check timing (scripts/generate/dockerfile-common.mjs), written once. */
function healthTiming() {
  const opt = (name) => {
    const m = new RegExp(`--${name}=(\\S+)`).exec(HEALTHCHECK_TIMING);
    if (!m) throw new Error(`HEALTHCHECK_TIMING has no --${name}`);
    return m[1];
  };
  return ['interval', 'timeout', 'start-period', 'retries'].map((k) => [k.replace('-', '_'), opt(k)]);
}

const BIND = 'BIND: ${LAB_BIND:-0.0.0.0}';

function deploy(role, { labels, extraConstraints = [], replicas = 1, restart = 'any' }) {
  return [
    '  deploy:',
    '    mode: replicated',
    `    replicas: ${replicas}`,
    '    placement:',
    '      constraints:',
    ...[placedOn(role), ...extraConstraints].map((c) => `        - ${c}`),
    // Host networking: a second task of a service on the same node could not bind its port.
    '      max_replicas_per_node: 1',
    '    labels:',
    ...labels.map(([k, v]) => `      ${k}: ${v}`),
    '    restart_policy:',
    `      condition: ${restart}`,
    '      delay: 2s',
    // stop-first (Swarm's default, said here on purpose): the old task frees the port first.
    '    update_config:',
    '      order: stop-first',
  ];
}

function rowService(m, upstream) {
  const impl = m.role === 'implementation';
  const labels = [...(impl ? [['lab.impl', m.name]] : []), ['lab.role', m.role], ['lab.service', m.name]];
  return [
    `${m.name}:`,
    `  image: concurrency-lab/${m.name}:\${LAB_IMAGE_TAG:-latest}`,
    // Container labels (what `lab --runtime docker` on the node finds) and service labels
    // (what `lab --runtime swarm` finds) are the same.
    '  labels:',
    ...labels.map(([k, v]) => `    ${k}: ${v}`),
    '  environment:',
    `    PORT: "${m.ports.http}"`,
    ...(m.ports.line !== undefined ? [`    LINE_PORT: "${m.ports.line}"`] : []),
    `    ${BIND}`,
    ...(impl ? [
      // The upstream runs on a targets node; with one targets node (or the upstream beside
      // every row) that is 127.0.0.1. Otherwise give its node's address.
      `    UPSTREAM_URL: http://\${LAB_UPSTREAM_HOST:-127.0.0.1}:${upstream.ports.http}`,
      '    UPSTREAM_TIMEOUT_MS: ${UPSTREAM_TIMEOUT_MS:-3000}',
    ] : []),
    '  networks: [hostnet]',
    // The image's HEALTHCHECK command (it knows its interpreter), at the images' timing.
    '  healthcheck:',
    ...healthTiming().map(([k, v]) => `    ${k}: ${v}`),
    '  stop_grace_period: 15s',
    ...deploy('targets', { labels }),
    '',
  ];
}

function configs(dashboards) {
  const files = [
    ['prometheus', SWARM_PROMETHEUS_FILE],
    ['grafana-datasource', 'dashboards/grafana/datasource-hostnet.yml'],
    ['grafana-dashboards', 'dashboards/grafana/provisioning/dashboards/lab.yml'],
    ['grafana-entrypoint', 'scripts/grafana-entrypoint.sh'],
    ...dashboards.map((d) => [`grafana-${d.replace(/^.*\//, '').replace(/\.json$/, '')}`, d]),
  ];
  return files.flatMap(([name, file]) => [`${name}:`, `  file: ./${file}`]);
}

function controlServices(dashboards) {
  const labelsOf = (role) => [['lab.role', role], ['lab.service', role]];
  const containerLabels = (role) => ['  labels:', ...labelsOf(role).map(([k, v]) => `    ${k}: ${v}`)];
  // Prometheus and the lab read the swarm API: the Docker socket of a manager.
  const onManager = ['node.role == manager'];
  return [
    'prometheus:',
    '  image: ${PROMETHEUS_IMAGE:-prom/prometheus:v2.53.2}',
    ...containerLabels('prometheus'),
    // root: its targets come from dockerswarm_sd_configs through the Docker socket.
    '  user: root',
    '  command:',
    '    - --config.file=/etc/prometheus/prometheus.yml',
    '    - --storage.tsdb.path=/prometheus',
    '    - --storage.tsdb.retention.time=2d',
    '    - --web.listen-address=${LAB_BIND:-0.0.0.0}:9090',
    '  configs:',
    '    - source: prometheus',
    '      target: /etc/prometheus/prometheus.yml',
    '  volumes:',
    '    - /var/run/docker.sock:/var/run/docker.sock:ro',
    '  networks: [hostnet]',
    ...deploy('control', { labels: labelsOf('prometheus'), extraConstraints: onManager }),
    '',
    // Grafana has no Debian package: an air-gapped swarm sets LAB_GRAFANA_REPLICAS=0.
    'grafana:',
    '  image: ${GRAFANA_IMAGE:-grafana/grafana-oss:11.2.2}',
    ...containerLabels('grafana'),
    '  environment:',
    '    GRAFANA_ADMIN_PASSWORD: ${GRAFANA_ADMIN_PASSWORD:-}',
    '    GF_AUTH_ANONYMOUS_ENABLED: "true"',
    '    GF_AUTH_ANONYMOUS_ORG_ROLE: Viewer',
    '    GF_USERS_ALLOW_SIGN_UP: "false"',
    '    GF_ANALYTICS_REPORTING_ENABLED: "false"',
    '    GF_ANALYTICS_CHECK_FOR_UPDATES: "false"',
    '    GF_NEWS_NEWS_FEED_ENABLED: "false"',
    '    GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH: /var/lib/grafana/dashboards/lab-overview.json',
    '    GF_SERVER_HTTP_ADDR: ${LAB_BIND:-0.0.0.0}',
    '  entrypoint: ["/bin/sh", "/lab/grafana-entrypoint.sh"]',
    '  configs:',
    '    - { source: grafana-entrypoint, target: /lab/grafana-entrypoint.sh }',
    // Prometheus sits on the same (control) node: the hostnet datasource, 127.0.0.1:9090.
    '    - { source: grafana-datasource, target: /etc/grafana/provisioning/datasources/prometheus.yml }',
    '    - { source: grafana-dashboards, target: /etc/grafana/provisioning/dashboards/lab.yml }',
    ...dashboards.map((d) => {
      const base = d.replace(/^.*\//, '');
      return `    - { source: grafana-${base.replace(/\.json$/, '')}, target: /var/lib/grafana/dashboards/${base} }`;
    }),
    '  networks: [hostnet]',
    ...deploy('control', { labels: labelsOf('grafana'), replicas: '${LAB_GRAFANA_REPLICAS:-1}' }),
    '',
    // The web dashboard (`lab up --runtime swarm`): finds the rows through the manager's API.
    'lab:',
    '  image: concurrency-lab/lab:${LAB_IMAGE_TAG:-latest}',
    ...containerLabels('lab'),
    '  user: root',
    '  command: ["up", "--runtime", "swarm"]',
    '  environment:',
    `    ${BIND}`,
    // The dashboard's own default scenario would load the rows from the control node.
    '    LAB_AUTORUN: ${LAB_AUTORUN:-0}',
    '    # The dashboard answers only names it knows (DNS rebinding) besides IP addresses: add the',
    "    # manager's DNS name for a browser (Prometheus scrapes the node's address).",
    '    LAB_ALLOWED_HOSTS: lab,${LAB_ALLOWED_HOSTS:-}',
    '  volumes:',
    '    - /var/run/docker.sock:/var/run/docker.sock',
    '    - lab-results:/app/results',
    '  networks: [hostnet]',
    '  healthcheck:',
    ...healthTiming().map(([k, v]) => `    ${k}: ${v}`),
    ...deploy('control', { labels: labelsOf('lab'), extraConstraints: onManager }),
    '',
  ];
}

/** Load generator tasks: none until `lab run --loadgens K --runtime swarm` scales this service. */
function loadgenService() {
  return [
    'loadgen:',
    '  image: concurrency-lab/lab:${LAB_IMAGE_TAG:-latest}',
    '  labels:',
    '    lab.role: loadgen',
    '    lab.service: loadgen',
    '  entrypoint: ["node", "loadgen/dist/src/scenario-run/loadgens/worker-main.js"]',
    '  networks: [hostnet]',
    ...deploy('loadgen', { labels: [['lab.role', 'loadgen'], ['lab.service', 'loadgen']], replicas: 0, restart: 'none' }).filter((l) => !l.includes('max_replicas_per_node')),
    '',
  ];
}

/** Prometheus on a manager: each service's job scrapes <its node's address>:<its port>. */
function swarmPrometheusConfig(manifests) {
  const services = scrapeServices(manifests);
  // The shared global section (scrape every 1 s), without its comment header.
  const head = renderPrometheusConfig({ kind: 'hostnet' }, []).split('\n').filter((l) => !l.startsWith('#'));
  head.splice(head.indexOf('scrape_configs:') + 1);
  const lines = [
    '# Generated by scripts/generate/stack.mjs (`npm run generate`); do not edit by hand.',
    '# Prometheus scrape config for docker-stack.yml (Docker Swarm, host networking): a row\'s',
    '# tasks have no swarm address of their own, so each job asks the swarm for the nodes of',
    '# the row\'s role (label lab.role, see docker-stack.yml) and scrapes <node address>:<port>.',
    ...head,
  ];
  const job = (name, port, role, variable) => [
    `  - job_name: ${name}`,
    '    metrics_path: /metrics',
    '    dockerswarm_sd_configs:',
    '      - host: unix:///var/run/docker.sock',
    '        role: nodes',
    '        refresh_interval: 15s',
    '    relabel_configs:',
    `      # the nodes labelled lab.role=${role}, or all (one node doing everything: ${variable}=all at deploy time)`,
    '      - source_labels: [__meta_dockerswarm_node_label_lab_role]',
    `        regex: ${role}|all`,
    '        action: keep',
    '      - source_labels: [__meta_dockerswarm_node_address]',
    '        target_label: __address__',
    `        replacement: $1:${port}`,
    `      - target_label: service`,
    `        replacement: ${name}`,
  ];
  for (const s of services) lines.push(...job(s.name, s.port, 'targets', ROLES.targets));
  lines.push(...job(LAB_SERVICE.name, LAB_SERVICE.port, 'control', ROLES.control));
  return lines.join('\n') + '\n';
}

export function stackFiles(ctx) {
  const { manifests } = ctx;
  const upstream = upstreamOf(manifests);
  const dashboards = grafanaDashboards(ctx).map((f) => f.file).sort();
  const indent = (lines) => lines.map((l) => (l === '' ? '' : `  ${l}`));
  const lines = [
    '# GENERATED by `npm run generate` (scripts/generate/stack.mjs) from services/*/service.json:',
    '# edit the manifests or the generator, then run `npm run generate`.',
    '#',
    '# The lab on Docker Swarm (docs/swarm.md):',
    '#   docker node update --label-add lab.role=targets|control|loadgen <node>   (control = a manager)',
    '#   docker stack deploy --resolve-image never -c docker-stack.yml lab',
    '# Variables: LAB_BIND (0.0.0.0), LAB_UPSTREAM_HOST (127.0.0.1), LAB_TARGETS_ROLE /',
    '# LAB_CONTROL_ROLE / LAB_LOADGEN_ROLE (the lab.role value of each placement; `all` on one',
    '# machine), LAB_GRAFANA_REPLICAS (1; 0 without a Grafana image), LAB_IMAGE_TAG (latest),',
    '# PROMETHEUS_IMAGE, GRAFANA_IMAGE, UPSTREAM_TIMEOUT_MS, LAB_AUTORUN (0).',
    '# Images are not built by `docker stack deploy`: build them (docker compose build) and load',
    '# them on every node, or push them to a registry the nodes can pull from.',
    '',
    // docker stack deploy of Docker 20.10 still wants a 3.x version key.
    'version: "3.8"',
    '',
    'networks:',
    '  hostnet:',
    '    external: true',
    '    name: host',
    '',
    'volumes:',
    '  lab-results: {}',
    '',
    'configs:',
    ...indent(configs(dashboards)),
    '',
    'services:',
    ...indent([upstream, ...implementationsOf(manifests)].flatMap((m) => rowService(m, upstream))),
    ...indent(controlServices(dashboards)),
    ...indent(loadgenService()),
  ];
  while (lines[lines.length - 1] === '') lines.pop();
  return [
    { file: STACK_FILE, text: lines.join('\n') + '\n' },
    { file: SWARM_PROMETHEUS_FILE, text: swarmPrometheusConfig(manifests) },
  ];
}
