// The rows' service entries in the three compose files (between `generated:rows` markers) and
// the lab's depends_on; everything else in those files (prometheus, grafana, lab) is hand-written.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fillRegions, implementationsOf, region, upstreamOf } from './manifests.mjs';

// A Go, Rust or Erlang image builds FROM the same Debian image as the Python ones (DEBIAN_IMAGE);
// a Java image FROM Debian 13 (DEBIAN13_IMAGE: JDK 21 is not in Debian 12).
const BUILD_ARGS = { python: '*python-build-args', node: '*node-build-args', go: '*python-build-args', rust: '*python-build-args', erlang: '*python-build-args', java: '*debian13-build-args' };

function baseEntry(m, upstream) {
  const { http, line } = m.ports;
  const impl = m.role === 'implementation';
  return [
    `${m.name}:`,
    `  image: concurrency-lab/${m.name}:latest`,
    '  build:',
    '    context: .',
    `    dockerfile: ${m.dir}/Dockerfile`,
    '    network: host',
    `    args: ${BUILD_ARGS[m.image.recipe]}`,
    '  labels:',
    ...(impl ? [`    lab.impl: ${m.name}`] : []),
    `    lab.role: ${m.role}`,
    `    lab.service: ${m.name}`,
    '  environment:',
    `    PORT: "${http}"`,
    ...(line !== undefined ? [`    LINE_PORT: "${line}"`] : []),
    '    BIND: 0.0.0.0',
    ...(impl ? [`    UPSTREAM_URL: http://${upstream.name}:${upstream.ports.http}`, '    UPSTREAM_TIMEOUT_MS: ${UPSTREAM_TIMEOUT_MS:-3000}'] : []),
    ...(impl ? ['  depends_on:', `    ${upstream.name}:`, '      condition: service_healthy'] : []),
    '  <<: *row',
    '',
  ];
}

function overrideEntry(m) {
  const ports = [m.ports.http, m.ports.line].filter((p) => p !== undefined).map((p) => `"127.0.0.1:${p}:${p}"`);
  return [`${m.name}:`, `  ports: [${ports.join(', ')}]`];
}

function hostnetEntry(m, upstream) {
  return [
    `${m.name}:`,
    '  network_mode: host',
    '  environment:',
    '    BIND: 127.0.0.1',
    ...(m.role === 'implementation' ? [`    UPSTREAM_URL: http://127.0.0.1:${upstream.ports.http}`] : []),
  ];
}

export function composeFiles({ repo, manifests }) {
  const upstream = upstreamOf(manifests);
  // The upstream first: it is what every row depends on.
  const ordered = [upstream, ...implementationsOf(manifests)];
  const fill = (file, regions) => {
    let text = readFileSync(path.join(repo, file), 'utf8');
    for (const [name, body] of regions) text = fillRegions(text, file, region(name), body);
    return { file, text };
  };
  return [
    fill('docker-compose.yml', [
      ['rows', ordered.flatMap((m) => baseEntry(m, upstream))],
      ['lab-depends-on', ordered.flatMap((m) => [`${m.name}:`, '  condition: service_healthy'])],
    ]),
    fill('docker-compose.override.yml', [['rows', ordered.flatMap(overrideEntry)]]),
    fill('docker-compose.hostnet.yml', [['rows', ordered.flatMap((m) => hostnetEntry(m, upstream))]]),
  ];
}
