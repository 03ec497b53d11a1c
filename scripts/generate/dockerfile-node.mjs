// services/<row>/Dockerfile for every row whose image.recipe is "node" (an npm workspace built
// with tsc), and the list of workspace manifests in the lab's own loadgen/Dockerfile.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { HEALTHCHECK_TIMING, exposeLine, generatedHeader, rowEnv } from './dockerfile-common.mjs';
import { fillRegions, region, workspaceFolders } from './manifests.mjs';

/**
 * npm ci checks the lockfile against every workspace, so every image copies every workspace's
 * package.json before `npm ci` (that layer is rebuilt only when dependencies change).
 */
const workspaceManifestCopies = (repo) => workspaceFolders(repo).map((w) => `COPY ${w}/package.json ${w}/`);

function dockerfileFor(repo, m, manifests) {
  const own = [...(m.image.workspaces ?? []), m.dir];
  const ws = own.map((w) => `-w ${w}`).join(' ');
  const env = [
    ...rowEnv(m, manifests).map(([k, v]) => `${k}=${v}`),
    ...Object.entries(m.local.env ?? {}).map(([k, v]) => `${k}=${JSON.stringify(v)}`),
  ];
  return [
    ...generatedHeader(m),
    `# ${m.name}: ${m.model}.`,
    '# Build context: the repository root (docker-compose.yml: build.context "."), because the',
    `# service is an npm workspace that needs the root lockfile and ${(m.image.workspaces ?? []).join(', ') || 'no other workspace'}.`,
    'ARG NODE_IMAGE=node:22-bookworm-slim',
    '',
    'FROM ${NODE_IMAGE} AS build',
    'WORKDIR /app',
    'ENV NPM_CONFIG_UPDATE_NOTIFIER=false',
    '# Manifests first: the npm ci layer is rebuilt only when dependencies change. npm checks the',
    '# lockfile against every workspace, so every workspace\'s package.json comes along.',
    'COPY package.json package-lock.json tsconfig.base.json ./',
    ...workspaceManifestCopies(repo),
    `# --ignore-scripts: the root "prepare" would compile every workspace; only ${own.length === 1 ? 'this one is' : `these ${own.length} are`} built here.`,
    'RUN npm ci --ignore-scripts --no-audit --no-fund --include-workspace-root \\',
    `      ${ws}`,
    ...own.map((w) => `COPY ${w} ${w}`),
    `RUN npx tsc -b ${m.dir}`,
    '',
    'FROM ${NODE_IMAGE}',
    'WORKDIR /app',
    'ENV NODE_ENV=production NPM_CONFIG_UPDATE_NOTIFIER=false',
    'COPY package.json package-lock.json ./',
    ...workspaceManifestCopies(repo),
    `# Runtime dependencies only, of ${own.length === 1 ? 'this workspace' : `these ${own.length} workspaces`} only; then drop npm's cache.`,
    'RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \\',
    `      ${ws} \\`,
    ' && rm -rf /root/.npm /tmp/*',
    ...own.map((w) => `COPY --from=build /app/${w}/dist/src ${w}/dist/src`),
    '# contract-ts reads the limits and metric names from the contract, relative to its module.',
    'COPY contract/contract.json contract/',
    `COPY ${m.dir}/service.json ${m.dir}/`,
    `WORKDIR /app/${m.dir}`,
    `ENV ${env.join(' ')}`,
    'USER node',
    exposeLine(m),
    '# The slim image has no curl: Node 18+ has fetch.',
    HEALTHCHECK_TIMING,
    '  CMD ["node", "-e", "fetch(\'http://127.0.0.1:\' + process.env.PORT + \'/healthz\').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]',
    'STOPSIGNAL SIGTERM',
    `CMD [${['node', ...m.local.args].map((a) => JSON.stringify(a)).join(', ')}]`,
  ].join('\n') + '\n';
}

export function nodeDockerfiles({ repo, manifests }) {
  const rows = manifests.filter((m) => m.image.recipe === 'node').map((m) => ({ file: `${m.dir}/Dockerfile`, text: dockerfileFor(repo, m, manifests) }));
  const lab = 'loadgen/Dockerfile';
  const labText = fillRegions(readFileSync(path.join(repo, lab), 'utf8'), lab, region('workspace-manifests'), workspaceManifestCopies(repo));
  return [...rows, { file: lab, text: labText }];
}
