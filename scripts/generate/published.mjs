#!/usr/bin/env node
// The results tables of the docs, written from the committed runs (issue 18): every line
// `<!-- generated:published <folder> <figure key> begin -->` in README.md or docs/results.md
// gets, up to its `end` line, the table of that figure over docs/results/<folder>/results.json
// (loadgen/src/report/published-table.ts: a column per step, median [95% interval] (trials)).
// It reads the compiled load generator, so all.mjs runs it after `tsc -b`.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { GenerateError, REPO, fillRegions } from './manifests.mjs';

export const PUBLISHED_FILES = ['README.md', 'docs/results.md'];
const MARKER = /<!-- generated:published (\S+) (\S+) begin -->/g;

async function loadgen(module) {
  const file = path.join(REPO, 'loadgen/dist/src', module);
  if (!existsSync(file)) throw new GenerateError(`${path.relative(REPO, file)} is missing: run \`npx tsc -b\` first`);
  return import(pathToFileURL(file).href);
}

/** Each file's text with every published region filled, for the files that have one. */
export async function publishedOutputs(repo = REPO) {
  const { readResults } = await loadgen('results/files.js');
  const { publishedTable } = await loadgen('report/published-table.js');
  const outputs = [];
  for (const file of PUBLISHED_FILES) {
    const full = path.join(repo, file);
    if (!existsSync(full)) continue;
    let text = readFileSync(full, 'utf8');
    const regions = [...new Set([...text.matchAll(MARKER)].map((m) => `${m[1]} ${m[2]}`))];
    if (!regions.length) continue;
    for (const region of regions) {
      const [folder, key] = region.split(' ');
      const results = path.join(repo, 'docs/results', folder, 'results.json');
      if (!existsSync(results)) throw new GenerateError(`${file}: a published table names docs/results/${folder}, which has no results.json`);
      let lines;
      try {
        lines = publishedTable(readResults(results), key);
      } catch (err) {
        throw new GenerateError(`${file}: the table of ${key} over docs/results/${folder}: ${err.message}`);
      }
      text = fillRegions(text, file, { begin: `<!-- generated:published ${region} begin -->`, end: `<!-- generated:published ${region} end -->` }, lines);
    }
    outputs.push({ file, text });
  }
  return outputs;
}

async function main(argv) {
  const check = argv.includes('--check');
  const unknown = argv.filter((a) => a !== '--check');
  if (unknown.length) {
    console.error(`generate published: unknown argument ${unknown.join(' ')} (use --check or nothing)`);
    return 2;
  }
  let stale = 0;
  const outputs = await publishedOutputs();
  for (const { file, text } of outputs) {
    if (readFileSync(path.join(REPO, file), 'utf8') === text) continue;
    if (check) {
      console.error(`generate published --check: the results tables of ${file} are stale: edit docs/results/ or loadgen/src/report/published-table.ts, then run \`npm run generate\``);
      stale++;
    } else {
      writeFileSync(path.join(REPO, file), text);
      console.log(`wrote the results tables of ${file}`);
    }
  }
  if (check && !stale) console.log(`generate published --check: the results tables of ${outputs.length} file(s) are up to date`);
  return stale ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof GenerateError)) throw err;
    console.error(`generate published: ${err.message}`);
    process.exitCode = 2;
  }
}
