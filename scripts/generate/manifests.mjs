// The one registry of rows: every services/<row>/service.json, read and checked against
// services/service.schema.json. Plain Node ESM (no build step): `npm run generate` runs before tsc.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository this copy of the generator belongs to (a temporary copy has its own). */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export class GenerateError extends Error {}

async function schemaValidator(repo) {
  let Ajv;
  try {
    ({ Ajv } = await import('ajv'));
  } catch {
    return undefined; // before `npm ci`: the checks below still catch what the generator needs
  }
  const schema = JSON.parse(readFileSync(path.join(repo, 'services', 'service.schema.json'), 'utf8'));
  return new Ajv({ allErrors: true, strict: false }).compile(schema);
}

/**
 * Every row and the upstream, in the order every derived file lists them: implementations by
 * HTTP port, the upstream last. Each manifest gets `dir` (repo-relative folder, posix).
 */
export async function readManifests(repo = REPO) {
  const servicesDir = path.join(repo, 'services');
  const validate = await schemaValidator(repo);
  const problems = [];
  const manifests = [];
  for (const folder of readdirSync(servicesDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    const file = path.join(servicesDir, folder, 'service.json');
    if (!existsSync(file)) continue; // shared code (labcommon, ts-common), not a service
    const rel = `services/${folder}/service.json`;
    let m;
    try {
      m = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      problems.push(`${rel}: not valid JSON: ${err.message}`);
      continue;
    }
    if (validate && !validate(m)) {
      for (const e of validate.errors.filter((x) => x.keyword !== 'if')) problems.push(`${rel}: ${e.instancePath || '(top level)'} ${e.message}${e.params?.additionalProperty ? ` '${e.params.additionalProperty}'` : ''}`);
      continue;
    }
    for (const key of ['name', 'label', 'colour', 'ports', 'image', 'local']) if (m[key] === undefined) problems.push(`${rel}: '${key}' is missing`);
    if (m.name !== folder) problems.push(`${rel}: name '${m.name}' must equal its folder name '${folder}'`);
    const { $schema: _ignored, ...rest } = m;
    manifests.push({ ...rest, dir: `services/${folder}` });
  }
  const owner = new Map();
  for (const m of manifests) {
    for (const [kind, port] of Object.entries(m.ports ?? {})) {
      if (owner.has(port)) problems.push(`services/${m.name}/service.json: ports.${kind} ${port} is already used by ${owner.get(port)}`);
      else owner.set(port, m.name);
    }
  }
  problems.push(...schemeProblems(repo, manifests));
  const upstreams = manifests.filter((m) => m.role === 'upstream');
  if (upstreams.length !== 1) problems.push(`services/: exactly one service must have role "upstream", found ${upstreams.length}`);
  if (problems.length) throw new GenerateError(`invalid service manifests:\n  ${problems.join('\n  ')}`);
  const impls = manifests.filter((m) => m.role === 'implementation').sort((a, b) => a.ports.http - b.ports.http || a.name.localeCompare(b.name));
  return [...impls, upstreams[0]];
}

/**
 * The ports scheme of contract/contract.json: a row takes HTTP 81NN and line 82NN (same NN),
 * the ports reserved for a planned row are that row's only, and the lab's own are nobody's.
 */
function schemeProblems(repo, manifests) {
  const { ports } = JSON.parse(readFileSync(path.join(repo, 'contract', 'contract.json'), 'utf8'));
  const problems = [];
  const reservedBy = new Map(Object.entries(ports.reserved).flatMap(([row, p]) => [[p.http, row], [p.line, row]]));
  const labBy = new Map(Object.entries(ports.lab_services).map(([what, port]) => [port, what]));
  for (const m of manifests) {
    const rel = `services/${m.name}/service.json`;
    for (const [kind, port] of Object.entries(m.ports ?? {})) {
      if (labBy.has(port)) problems.push(`${rel}: ports.${kind} ${port} is the lab's own (${labBy.get(port)}, contract/contract.json)`);
      const reserved = reservedBy.get(port);
      if (reserved && reserved !== m.name) problems.push(`${rel}: ports.${kind} ${port} is reserved for ${reserved} (contract/contract.json)`);
    }
    const { http, line } = m.ports ?? {};
    if (m.role === 'implementation' && !(http >= 8100 && http <= 8199 && line === http + 100)) {
      problems.push(`${rel}: ports ${http}/${line} break the scheme (contract/contract.json): HTTP 81NN, line 82NN with the same NN`);
    }
  }
  return problems;
}

/** Debian's python3 and every package a Python row lists (local.requires.debianPackages), sorted. */
export function pythonDebianPackages(manifests) {
  const packages = new Set(['python3']);
  for (const m of manifests.filter((x) => x.local.interpreter === 'python')) for (const p of m.local.requires?.debianPackages ?? []) packages.add(p);
  return [...packages].sort();
}

/** Debian's golang-go and every package a Go row lists (its Go libraries under /usr/share/gocode), sorted; none without a Go row. */
export function goDebianPackages(manifests) {
  const rows = manifests.filter((x) => x.local.interpreter === 'go');
  const packages = new Set(rows.length ? ['golang-go'] : []);
  for (const m of rows) for (const p of m.local.requires?.debianPackages ?? []) packages.add(p);
  return [...packages].sort();
}

/** The compiled rows beside Go (rust, erlang): their toolchain and libraries, each row's local.requires.debianPackages, sorted. */
export function nativeDebianPackages(manifests) {
  const packages = new Set();
  for (const m of manifests.filter((x) => ['rust', 'erlang'].includes(x.local.interpreter))) for (const p of m.local.requires?.debianPackages ?? []) packages.add(p);
  return [...packages].sort();
}

export const upstreamOf = (manifests) => manifests.find((m) => m.role === 'upstream');
export const implementationsOf = (manifests) => manifests.filter((m) => m.role === 'implementation');

/** The npm workspaces of the root package.json, expanded (`dir/*` = its folders with a package.json). */
export function workspaceFolders(repo = REPO) {
  const pkg = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8'));
  const out = [];
  for (const pattern of pkg.workspaces ?? []) {
    if (pattern.endsWith('/*')) {
      const base = pattern.slice(0, -2);
      for (const d of readdirSync(path.join(repo, base), { withFileTypes: true }).filter((x) => x.isDirectory()).map((x) => x.name).sort()) {
        if (existsSync(path.join(repo, base, d, 'package.json'))) out.push(`${base}/${d}`);
      }
    } else if (pattern.includes('*')) {
      throw new GenerateError(`package.json workspaces: only 'folder' and 'folder/*' patterns are supported, got '${pattern}'`);
    } else {
      out.push(pattern);
    }
  }
  return out;
}

/** The markers of a generated region in a hand-written file: lines containing these words. */
export const region = (name) => ({ begin: `generated:${name} begin`, end: `generated:${name} end` });

/**
 * Replaces what lies between the lines containing `markers.begin` and `markers.end` (every
 * such region) with `body` (lines, indented like the begin line), whatever the comment syntax
 * around the markers.
 */
export function fillRegions(text, file, markers, body) {
  const lines = text.split('\n');
  const out = [];
  let found = 0;
  for (let i = 0; i < lines.length; i++) {
    out.push(lines[i]);
    if (!lines[i].includes(markers.begin)) continue;
    const end = lines.findIndex((l, j) => j > i && l.includes(markers.end));
    if (end < 0) throw new GenerateError(`${file}: '${markers.begin}' has no '${markers.end}' line after it`);
    const indent = lines[i].match(/^\s*/)[0];
    out.push(...body.map((l) => (l === '' ? '' : indent + l)), lines[end]);
    i = end;
    found++;
  }
  if (!found) throw new GenerateError(`${file}: no '${markers.begin}' ... '${markers.end}' lines`);
  return out.join('\n');
}
