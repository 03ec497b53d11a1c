// The tables in hand-written docs that list rows (contract/README.md, docs/docker.md,
// docs/adding-a-row.md), each between `<!-- generated:NAME begin -->` and `... end -->` lines,
// written from the manifests: a new row's folder reaches every one of them, and a hand edit
// fails `npm run generate -- --check`. The base images are read from the Dockerfiles this
// same run generates (ctx.outputs), so a new image recipe needs no edit here.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { GenerateError, fillRegions, implementationsOf, region } from './manifests.mjs';

const cell = (s) => String(s ?? '-').replaceAll('|', '\\|');
const tableRow = (cells) => `| ${cells.map(cell).join(' | ')} |`;
const code = (s) => `\`${s}\``;

/** The text a generator run gives `file` (ctx.outputs), else the committed one. */
function textOf({ repo, outputs = [] }, file) {
  const out = outputs.find((o) => o.file === file);
  if (out) return out.text;
  const full = path.join(repo, file);
  return existsSync(full) ? readFileSync(full, 'utf8') : '';
}

/** The default base images of a row's Dockerfile: its `ARG <X>_IMAGE=<default>` lines, in order. */
export function baseImages(ctx, m) {
  const text = textOf(ctx, `${m.dir}/Dockerfile`);
  return [...new Set([...text.matchAll(/^ARG [A-Z0-9_]*IMAGE=(\S+)$/gm)].map((x) => x[1]))];
}

function contractRows({ manifests }) {
  return [
    tableRow(['folder', 'model', 'reproduces', 'HTTP', 'line']),
    '|---|---|---|---|---|',
    ...manifests.map((m) => tableRow([m.name, m.model, m.reproduces, m.ports.http, m.ports.line])),
  ];
}

function dockerImages(ctx) {
  return [
    tableRow(['service', 'image', 'image.recipe', 'built from (default)', 'Dockerfile']),
    '|---|---|---|---|---|',
    ...ctx.manifests.map((m) => tableRow([m.name, code(`concurrency-lab/${m.name}`), m.image.recipe, baseImages(ctx, m).map(code).join(', '), `[${m.dir}/Dockerfile](../${m.dir}/Dockerfile)`])),
  ];
}

function recipes(ctx) {
  const byRecipe = new Map();
  for (const m of implementationsOf(ctx.manifests)) byRecipe.set(m.image.recipe, [...(byRecipe.get(m.image.recipe) ?? []), m]);
  return [
    tableRow(['image.recipe', 'local.interpreter', 'built from (default)', 'rows to copy']),
    '|---|---|---|---|',
    ...[...byRecipe].map(([recipe, rows]) => tableRow([
      recipe,
      [...new Set(rows.map((m) => m.local.interpreter))].join(', '),
      [...new Set(rows.flatMap((m) => baseImages(ctx, m)))].map(code).join(', '),
      rows.map((m) => m.name).join(', '),
    ])),
  ];
}

function witnesses({ manifests }) {
  return [
    tableRow(['row', 'overheadWitness: interpreter', 'args (relative to the row folder)']),
    '|---|---|---|',
    ...implementationsOf(manifests).map((m) => (m.overheadWitness
      ? tableRow([m.name, m.overheadWitness.interpreter, code(m.overheadWitness.args.join(' '))])
      : tableRow([m.name, 'none', 'the bench and the witness test list it as having no witness']))),
  ];
}

/** Every derived file of this run, one line each; a row's Dockerfiles folded into one line. */
function derivedFiles(ctx, ownFiles) {
  const files = [...ctx.outputs.map((o) => o.file), ...ownFiles];
  const dockerfiles = files.filter((f) => /^services\/[^/]+\/Dockerfile$/.test(f));
  const rest = [...new Set(files.filter((f) => !dockerfiles.includes(f)))].sort();
  return [
    `- ${code('services/<row>/Dockerfile')} (${dockerfiles.length} files: every row and the upstream)`,
    ...rest.map((f) => `- ${code(f)}`),
  ];
}

/** `{ file, regions: { name: lines } }` per document, filled in order. */
function documents(ctx) {
  const adding = 'docs/adding-a-row.md';
  const own = ['contract/README.md', 'docs/docker.md', adding];
  return [
    { file: 'contract/README.md', regions: { rows: contractRows(ctx) } },
    { file: 'docs/docker.md', regions: { images: dockerImages(ctx) } },
    { file: adding, regions: { recipes: recipes(ctx), witnesses: witnesses(ctx), 'derived-files': derivedFiles(ctx, own) } },
  ];
}

export function docsTables(ctx) {
  return documents({ outputs: [], ...ctx }).map(({ file, regions }) => {
    const full = path.join(ctx.repo, file);
    if (!existsSync(full)) throw new GenerateError(`${file} is missing: it holds generated tables (${Object.keys(regions).map((n) => `generated:${n}`).join(', ')})`);
    let text = readFileSync(full, 'utf8');
    for (const [name, lines] of Object.entries(regions)) text = fillRegions(text, file, region(name), lines);
    return { file, text };
  });
}
