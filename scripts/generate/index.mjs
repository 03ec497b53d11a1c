#!/usr/bin/env node
// `npm run generate`: writes every file derived from the service manifests
// (services/<row>/service.json, the one registry of rows). `npm run generate -- --check` writes
// nothing and exits 1 naming each stale file with its first differing line (npm test and CI).
// One module per derived file; each returns [{ file (repo-relative), text }] and sees what the
// generators before it returned (ctx.outputs): docsTables runs last and reads the Dockerfiles from there.
import { composeFiles } from './compose.mjs';
import { docsTables } from './docs-tables.mjs';
import { goDockerfiles } from './dockerfile-go.mjs';
import { javaDockerfiles } from './dockerfile-java.mjs';
import { nodeDockerfiles } from './dockerfile-node.mjs';
import { pythonDockerfiles } from './dockerfile-python.mjs';
import { grafanaDashboards } from './grafana.mjs';
import { GenerateError, REPO, readManifests } from './manifests.mjs';
import { prometheusConfigs } from './prometheus.mjs';
import { readmeTable } from './readme.mjs';
import { rustDockerfiles } from './dockerfile-rust.mjs';
import { erlangDockerfiles } from './dockerfile-erlang.mjs';
import { rowColours } from './row-colours.mjs';
import { stackFiles } from './stack.mjs';
import { rootTsconfig } from './tsconfig.mjs';
import { parseGenerateArgs, settle } from './settle.mjs';

const GENERATORS = [pythonDockerfiles, nodeDockerfiles, goDockerfiles, javaDockerfiles, rustDockerfiles, erlangDockerfiles, composeFiles, prometheusConfigs, grafanaDashboards, rowColours, readmeTable, rootTsconfig, stackFiles];
/** After every generator above, whatever the order they are listed in: it reads their outputs. */
const LAST = [docsTables];

async function main(argv) {
  const args = parseGenerateArgs(argv, 'generate');
  if (args.error) {
    console.error(args.error);
    return 2;
  }
  const { check } = args;
  const ctx = { repo: REPO, manifests: await readManifests(REPO) };
  const outputs = [];
  for (const g of [...GENERATORS, ...LAST]) outputs.push(...g({ ...ctx, outputs: [...outputs] }));
  const { stale, written } = settle(outputs, { check, what: 'generate' });
  if (check && stale) {
    console.error(`${stale} derived file${stale === 1 ? ' is' : 's are'} stale: edit services/<row>/service.json or scripts/generate/, not the derived file, then run \`npm run generate\``);
    return 1;
  }
  if (check) console.log(`generate --check: all ${outputs.length} derived files are up to date`);
  else if (!written) console.log(`generate: all ${outputs.length} derived files are up to date`);
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof GenerateError)) throw err;
  console.error(`generate: ${err.message}`);
  process.exitCode = 2;
}
