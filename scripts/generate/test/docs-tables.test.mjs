// Every table in the docs that lists rows is generated (README.md, contract/README.md,
// docs/docker.md, docs/adding-a-row.md): a hand edit of any of them fails
// `npm run generate -- --check`, naming the file, and a plain run puts it back. Works in a
// temporary copy of the repository, with the copy's own generator as a child process.
// Run: node --test scripts/generate/test/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GenerateError, REPO, readManifests } from '../manifests.mjs';
import { docsTables } from '../docs-tables.mjs';
import { copyRepositoryFiles } from './temp-repo.mjs';

function generate(repo, ...args) {
  return spawnSync(process.execPath, [path.join(repo, 'scripts', 'generate', 'index.mjs'), ...args], { cwd: repo, encoding: 'utf8' });
}

/** The lines between a region's markers (`begin` and `end` are substrings of the marker lines). */
function regionLines(text, begin, end) {
  const lines = text.split('\n');
  const from = lines.findIndex((l) => l.includes(begin));
  const to = lines.findIndex((l, i) => i > from && l.includes(end));
  assert.ok(from >= 0 && to > from, `a region '${begin}' ... '${end}'`);
  return lines.slice(from + 1, to);
}

// Each generated table that lists rows: the file and its markers.
const TABLES = [
  { file: 'README.md', begin: '<!-- rows:begin -->', end: '<!-- rows:end -->' },
  { file: 'contract/README.md', begin: 'generated:rows begin', end: 'generated:rows end' },
  { file: 'docs/docker.md', begin: 'generated:images begin', end: 'generated:images end' },
  { file: 'docs/adding-a-row.md', begin: 'generated:recipes begin', end: 'generated:recipes end' },
  { file: 'docs/adding-a-row.md', begin: 'generated:witnesses begin', end: 'generated:witnesses end' },
];

test('every table that lists rows lists every row of the manifests', async () => {
  const manifests = await readManifests(REPO);
  const rows = manifests.filter((m) => m.role === 'implementation').map((m) => m.name);
  for (const { file, begin, end } of TABLES) {
    const body = regionLines(readFileSync(path.join(REPO, file), 'utf8'), begin, end).join('\n');
    for (const row of rows) assert.match(body, new RegExp(`\\b${row}\\b`), `${file} (${begin}) lists ${row}`);
  }
});

test('a hand edit of each generated table fails --check naming its file; a plain run repairs it', () => {
  const repo = copyRepositoryFiles('lab-docs-tables-');
  try {
    const clean = generate(repo, '--check');
    assert.equal(clean.status, 0, clean.stderr);
    for (const { file, begin, end } of [...TABLES, { file: 'docs/adding-a-row.md', begin: 'generated:derived-files begin', end: 'generated:derived-files end' }]) {
      const full = path.join(repo, file);
      const original = readFileSync(full, 'utf8');
      const line = regionLines(original, begin, end).at(-1);
      writeFileSync(full, original.replace(line, `EDITED ${line}`));
      const stale = generate(repo, '--check');
      assert.equal(stale.status, 1, `${file} (${begin}) edited by hand: ${stale.stdout}${stale.stderr}`);
      assert.match(stale.stderr, new RegExp(`generate --check: ${file.replaceAll('.', '\\.')} is stale, line \\d+: committed "EDITED `));
      assert.match(stale.stderr, /1 derived file is stale/);
      const fix = generate(repo);
      assert.equal(fix.status, 0, fix.stderr);
      assert.equal(readFileSync(full, 'utf8'), original, `a plain run restores ${file}`);
    }
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
});

test('a new row reaches every docs table; its base image is read from the Dockerfile the same run writes', async () => {
  const manifests = await readManifests(REPO);
  const asyncio = manifests.find((m) => m.name === 'python-asyncio');
  const row = { ...asyncio, name: 'python-docs-row', dir: 'services/python-docs-row', ports: { http: 8191, line: 8291 } };
  const outputs = [{ file: 'services/python-docs-row/Dockerfile', text: 'ARG DEBIAN13_IMAGE=debian:test-image\nFROM ${DEBIAN13_IMAGE}\n' }];
  const docs = docsTables({ repo: REPO, manifests: [row, ...manifests], outputs });
  const text = (file) => docs.find((d) => d.file === file).text;
  assert.match(text('contract/README.md'), /\| python-docs-row \| asyncio coroutines \(aiohttp\) \| .* \| 8191 \| 8291 \|/);
  assert.match(text('docs/docker.md'), /\| python-docs-row \| `concurrency-lab\/python-docs-row` \| python \| `debian:test-image` \|/);
  assert.match(text('docs/adding-a-row.md'), /\| python \| python \| `debian:test-image`, `debian:bookworm-slim` \| python-docs-row, python-threads/);
  assert.match(text('docs/adding-a-row.md'), /\| python-docs-row \| python \| `\.\.\/labtesting\/labtesting\/standalone_overhead\.py --module asyncio_overhead` \|/);
});

test('a doc without its markers is an error that names the file and the marker', async () => {
  const repo = copyRepositoryFiles('lab-docs-tables-');
  try {
    writeFileSync(path.join(repo, 'docs', 'docker.md'), '# Docker\n');
    assert.throws(() => docsTables({ repo, manifests: [], outputs: [] }), (err) => err instanceof GenerateError && /docs\/docker\.md: no 'generated:images begin'/.test(err.message));
    rmSync(path.join(repo, 'docs', 'docker.md'));
    const r = generate(repo, '--check');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /generate: docs\/docker\.md is missing: it holds generated tables \(generated:images\)/);
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
});

/** Every leaf property of services/service.schema.json, as dotted paths (`local.requires.debianPackages`). */
function schemaLeaves(schema, prefix = '') {
  return Object.entries(schema.properties ?? {}).flatMap(([key, sub]) => {
    if (key === '$schema') return [];
    return sub.properties ? schemaLeaves(sub, `${prefix}${key}.`) : [`${prefix}${key}`];
  });
}

const section = (doc, heading) => {
  const from = doc.indexOf(`\n## ${heading}\n`);
  assert.ok(from >= 0, `a section '## ${heading}'`);
  const next = doc.indexOf('\n## ', from + 1);
  return doc.slice(from, next < 0 ? undefined : next);
};

test('docs/adding-a-row.md names every key of the manifest schema: the table, and the witness\'s own in its section', () => {
  const schema = JSON.parse(readFileSync(path.join(REPO, 'services', 'service.schema.json'), 'utf8'));
  const leaves = schemaLeaves(schema);
  assert.ok(leaves.includes('image.recipe') && leaves.includes('local.requires.debianPackages'), leaves.join(' '));
  const doc = readFileSync(path.join(REPO, 'docs', 'adding-a-row.md'), 'utf8');
  const table = section(doc, 'The manifest');
  const witness = section(doc, 'overheadWitness');
  for (const key of leaves) {
    if (key.startsWith('overheadWitness.')) {
      assert.ok(table.includes('`overheadWitness`'), 'the manifest table names `overheadWitness`');
      assert.ok(witness.includes(`\`${key.slice('overheadWitness.'.length)}\``), `the overheadWitness section of docs/adding-a-row.md names \`${key}\``);
    } else {
      assert.ok(table.includes(`\`${key}\``), `the manifest table in docs/adding-a-row.md names \`${key}\``);
    }
  }
});
