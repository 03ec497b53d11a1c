// services/<row>/Dockerfile for every row whose image.recipe is "python": the image starts the
// row exactly as the local runtime does (local.args, local.pythonPath, local.env) on Debian's
// python3 with local.requires.debianPackages.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ADD_LAB_USER, APP, HEALTHCHECK_TIMING, envLine, exposeLine, generatedHeader, rowEnv } from './dockerfile-common.mjs';
import { pythonDebianPackages } from './manifests.mjs';


/**
 * Every Python image installs the same Debian packages (every Python row's, together) in the
 * same first RUN line: Docker then builds that layer once and all Python images share it.
 */
function sharedRun(manifests) {
  return 'RUN apt-get update '
    + `&& apt-get install -y --no-install-recommends ${pythonDebianPackages(manifests).join(' ')} `
    + '&& rm -rf /var/lib/apt/lists/* '
    + `&& ${ADD_LAB_USER}`;
}

/** A repo-relative folder under services/ for a path written relative to the row's folder. */
function servicesFolderOf(repo, rowDir, relative) {
  const abs = path.resolve(repo, rowDir, relative);
  const rel = path.relative(path.join(repo, 'services'), abs);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  const top = rel.split(path.sep)[0];
  return top ? `services/${top}` : undefined;
}

function dockerfileFor(repo, m, manifests) {
  const { name, local } = m;
  const pythonPath = local.pythonPath ?? [];
  // Folders the row reads outside its own: its PYTHONPATH entries and any path argument that
  // points into another service folder (gevent-monkey runs python-threads' code, not a copy).
  const folders = new Set();
  for (const p of pythonPath) {
    const f = servicesFolderOf(repo, m.dir, p);
    if (!f) throw new Error(`${name}: local.pythonPath entry '${p}' is outside services/`);
    // Checked here, not at `docker build`: the image would COPY a folder that is not there.
    if (!existsSync(path.resolve(repo, m.dir, p))) throw new Error(`${name}: local.pythonPath entry '${p}' does not exist (${path.posix.join(m.dir, p)})`);
    folders.add(f);
  }
  for (const arg of local.args) {
    if (!arg.includes('/') || !existsSync(path.resolve(repo, m.dir, arg))) continue;
    const f = servicesFolderOf(repo, m.dir, arg);
    if (f) folders.add(f);
  }
  folders.delete(m.dir);
  const containerPythonPath = pythonPath.map((p) => path.posix.join(APP, m.dir, p));
  const envPairs = [
    ['PYTHONUNBUFFERED', '1'],
    ['PYTHONDONTWRITEBYTECODE', '1'],
    ...(containerPythonPath.length ? [['PYTHONPATH', containerPythonPath.join(':')]] : []),
    ...rowEnv(m, manifests),
    ...Object.entries(local.env ?? {}),
  ];
  return [
    ...generatedHeader(m),
    '# Build context: the repository root (see docker-compose.yml).',
    'ARG DEBIAN_IMAGE=debian:bookworm-slim',
    'FROM ${DEBIAN_IMAGE}',
    '',
    '# Debian\'s own python3 packages, the versions the local runtime uses on a Debian host.',
    '# This line is IDENTICAL in every Python Dockerfile on purpose: the layer is built once and',
    '# shared by all the Python images. Change it in the generator, never in one file.',
    sharedRun(manifests),
    '',
    '# labcommon reads the limits and metric names from the contract, relative to its module.',
    `COPY contract/contract.json ${APP}/contract/contract.json`,
    ...[...folders].sort().map((f) => `COPY ${f} ${APP}/${f}`),
    `COPY ${m.dir} ${APP}/${m.dir}`,
    '',
    `WORKDIR ${APP}/${m.dir}`,
    envLine(envPairs),
    'USER lab',
    exposeLine(m),
    '# The slim image has no curl: probe with the python that is there anyway.',
    HEALTHCHECK_TIMING,
    '  CMD ["python3", "-c", "import os, urllib.request; urllib.request.urlopen(\'http://127.0.0.1:%s/healthz\' % os.environ[\'PORT\'], timeout=2)"]',
    '# The services drain in-flight work on SIGTERM and exit 0.',
    'STOPSIGNAL SIGTERM',
    `CMD ${JSON.stringify(['python3', ...local.args])}`,
  ].join('\n') + '\n';
}

export function pythonDockerfiles({ repo, manifests }) {
  return manifests.filter((m) => m.image.recipe === 'python').map((m) => ({ file: `${m.dir}/Dockerfile`, text: dockerfileFor(repo, m, manifests) }));
}
