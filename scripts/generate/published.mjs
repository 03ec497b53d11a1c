#!/usr/bin/env node
// The results tables of the docs, written from the committed runs (issue 18): every line
// `<!-- generated:published <folder> <figure key> begin -->` in README.md or docs/results.md
// gets, up to its `end` line, the table of that figure over docs/results/<folder>/results.json
// (loadgen/src/report/published-table.ts: a column per step, median [95% interval] (trials)); the
// key `slopes` gets the soak's verdicts over every run in the folder (report/soak-table.ts).
// It reads the compiled load generator, so all.mjs runs it after `tsc -b`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { GenerateError, REPO, fillRegions } from './manifests.mjs';
import { parseGenerateArgs, settle } from './settle.mjs';

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
  const { soakTable } = await loadgen('report/soak-table.js');
  const outputs = [];
  for (const file of PUBLISHED_FILES) {
    const full = path.join(repo, file);
    if (!existsSync(full)) continue;
    let text = readFileSync(full, 'utf8');
    const regions = [...new Set([...text.matchAll(MARKER)].map((m) => `${m[1]} ${m[2]}`))];
    if (!regions.length) continue;
    for (const region of regions) {
      const [folder, key] = region.split(' ');
      const runs = runsIn(path.join(repo, 'docs/results', folder));
      if (!runs.length) throw new GenerateError(`${file}: a published table names docs/results/${folder}, which has no results.json (nor folders with one)`);
      let lines;
      try {
        // `slopes`: the soak's verdicts over every run of the folder; otherwise one run's figure.
        if (key === 'slopes') lines = soakTable(runs.map((f) => readResults(f)));
        else if (runs.length === 1) lines = publishedTable(readResults(runs[0]), key);
        else throw new Error(`${runs.length} runs in the folder: a figure's table takes one (results.json in the folder itself)`);
      } catch (err) {
        throw new GenerateError(`${file}: the table of ${key} over docs/results/${folder}: ${err.message}`);
      }
      text = fillRegions(text, file, { begin: `<!-- generated:published ${region} begin -->`, end: `<!-- generated:published ${region} end -->` }, lines);
    }
    outputs.push({ file, text });
  }
  return outputs;
}

/** The folder's results.json, or else those of its subfolders (a run per row: the soak). */
function runsIn(folder) {
  if (existsSync(path.join(folder, 'results.json'))) return [path.join(folder, 'results.json')];
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(folder, d.name, 'results.json')))
    .map((d) => path.join(folder, d.name, 'results.json'))
    .sort();
}

async function main(argv) {
  const args = parseGenerateArgs(argv, 'generate published');
  if (args.error) {
    console.error(args.error);
    return 2;
  }
  const outputs = await publishedOutputs();
  const { stale } = settle(outputs, { check: args.check, what: 'generate published' });
  if (stale) console.error('the results tables are stale: edit docs/results/ or loadgen/src/report/published-table.ts, then run `npm run generate`');
  else if (args.check) console.log(`generate published --check: the results tables of ${outputs.length} file(s) are up to date`);
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
