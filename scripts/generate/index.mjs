#!/usr/bin/env node
// `npm run generate`: writes every file derived from the service manifests
// (services/<row>/service.json, the one registry of rows). `npm run generate -- --check` writes
// nothing and exits 1 naming each stale file with its first differing line (npm test and CI).
// One module per derived file; each returns [{ file (repo-relative), text }] and sees what the
// generators before it returned (ctx.outputs): docsTables runs last and reads the Dockerfiles from there.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
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

const GENERATORS = [pythonDockerfiles, nodeDockerfiles, goDockerfiles, javaDockerfiles, rustDockerfiles, erlangDockerfiles, composeFiles, prometheusConfigs, grafanaDashboards, rowColours, readmeTable, rootTsconfig, stackFiles];
/** After every generator above, whatever the order they are listed in: it reads their outputs. */
const LAST = [docsTables];

/** Where two texts first differ, as a short hint: line number, the committed and the generated line. */
function diffHint(current, wanted) {
  const a = current.split('\n');
  const b = wanted.split('\n');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const show = (l) => (l === undefined ? '(end of file)' : JSON.stringify(l.length > 110 ? `${l.slice(0, 110)}...` : l));
  return `line ${i + 1}: committed ${show(a[i])}, generated ${show(b[i])} (${a.length} vs ${b.length} lines)`;
}

async function main(argv) {
  const check = argv.includes('--check');
  const unknown = argv.filter((a) => a !== '--check');
  if (unknown.length) {
    console.error(`generate: unknown argument ${unknown.join(' ')} (use --check or nothing)`);
    return 2;
  }
  const ctx = { repo: REPO, manifests: await readManifests(REPO) };
  const outputs = [];
  for (const g of [...GENERATORS, ...LAST]) outputs.push(...g({ ...ctx, outputs: [...outputs] }));
  let stale = 0;
  let written = 0;
  for (const { file, text } of outputs) {
    const target = path.join(REPO, file);
    const current = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
    if (current === text) continue;
    if (check) {
      console.error(`generate --check: ${file} is ${current === undefined ? 'missing' : `stale, ${diffHint(current, text)}`}`);
      stale++;
    } else {
      writeFileSync(target, text);
      console.log(`wrote ${file}`);
      written++;
    }
  }
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
