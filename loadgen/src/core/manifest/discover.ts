import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { LabError, EXIT } from '../errors.js';
import type { ServiceManifest } from './types.js';
import { defaultServicesDir, schemaPath } from './repo-root.js';

let cachedValidator: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (cachedValidator) return cachedValidator;
  const schema = JSON.parse(readFileSync(schemaPath(), 'utf8')) as Record<string, unknown>;
  // The schema's $schema/$id are informative; strict mode would reject the draft-07 meta URL.
  const ajv = new Ajv({ allErrors: true, strict: false });
  cachedValidator = ajv.compile(schema);
  return cachedValidator;
}

function describeAjvError(e: ErrorObject): string {
  const where = e.instancePath || '(top level)';
  if (e.keyword === 'additionalProperties') {
    return `${where}: unknown key '${String((e.params as { additionalProperty: string }).additionalProperty)}'`;
  }
  if (e.keyword === 'enum') {
    return `${where}: ${e.message} (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})`;
  }
  return `${where}: ${e.message ?? e.keyword}`;
}

/** Problems of one manifest file, each prefixed with its path; empty when it is valid. */
function checkManifest(file: string, folderName: string): { manifest?: ServiceManifest; problems: string[] } {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return { problems: [`${file}: not valid JSON: ${(err as Error).message}`] };
  }
  const validate = validator();
  if (!validate(data)) {
    // `if/then` failures repeat the inner error; the inner one is the useful message.
    const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'if');
    return { problems: errors.map((e) => `${file}: ${describeAjvError(e)}`) };
  }
  const manifest = data as Omit<ServiceManifest, 'dir'> & { $schema?: string };
  const problems: string[] = [];
  if (manifest.name !== folderName) {
    problems.push(`${file}: name '${manifest.name}' must equal its folder name '${folderName}'`);
  }
  const { $schema: _ignored, ...rest } = manifest;
  return { manifest: { ...rest, dir: path.dirname(file) }, problems };
}

function portProblems(found: { manifest: ServiceManifest; file: string }[]): string[] {
  const owners = new Map<number, string>();
  const problems: string[] = [];
  for (const { manifest, file } of found) {
    for (const [kind, port] of Object.entries(manifest.ports)) {
      if (port === undefined) continue;
      const owner = owners.get(port);
      if (owner) problems.push(`${file}: ports.${kind} ${port} is already used by ${owner}`);
      else owners.set(port, `${manifest.name} (ports.${kind})`);
    }
  }
  return problems;
}

/**
 * Every service folder (one holding a service.json) under servicesDir, validated.
 * Collects every problem of every manifest and throws them together (exit 2), so that one
 * run of the lab says everything there is to fix.
 */
export function discoverServices(servicesDir: string = defaultServicesDir()): ServiceManifest[] {
  if (!existsSync(servicesDir)) throw new LabError(`services folder not found: ${servicesDir}`, EXIT.badInput);
  const folders = readdirSync(servicesDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const problems: string[] = [];
  const found: { manifest: ServiceManifest; file: string }[] = [];
  for (const folder of folders) {
    const file = path.join(servicesDir, folder, 'service.json');
    if (!existsSync(file)) continue; // e.g. labcommon: shared code, not a service
    const result = checkManifest(file, folder);
    problems.push(...result.problems);
    if (result.manifest) found.push({ manifest: result.manifest, file });
  }
  problems.push(...portProblems(found));
  const upstreams = found.filter((f) => f.manifest.role === 'upstream');
  if (upstreams.length !== 1) {
    problems.push(`${servicesDir}: exactly one service must have role "upstream", found ${upstreams.length}${upstreams.length ? ` (${upstreams.map((u) => u.manifest.name).join(', ')})` : ''}`);
  }
  if (problems.length > 0) {
    throw new LabError(`invalid service manifests (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  ${problems.join('\n  ')}`, EXIT.badInput);
  }
  return found.map((f) => f.manifest);
}

export function upstreamOf(manifests: ServiceManifest[]): ServiceManifest {
  const upstream = manifests.find((m) => m.role === 'upstream');
  if (!upstream) throw new LabError('no upstream service found', EXIT.badInput);
  return upstream;
}

export function implementationsOf(manifests: ServiceManifest[]): ServiceManifest[] {
  return manifests.filter((m) => m.role === 'implementation');
}

/** The chosen implementations; unknown names are bad input naming the valid ones. */
export function selectTargets(manifests: ServiceManifest[], names: string[] | undefined): ServiceManifest[] {
  const impls = implementationsOf(manifests);
  if (names === undefined || names.length === 0) return impls;
  const unknown = names.filter((n) => !impls.some((m) => m.name === n));
  if (unknown.length > 0) {
    throw new LabError(
      `unknown target${unknown.length === 1 ? '' : 's'} ${unknown.map((n) => `'${n}'`).join(', ')}; valid targets: ${impls.map((m) => m.name).join(', ')}`,
      EXIT.badInput,
    );
  }
  return names.map((n) => impls.find((m) => m.name === n)!);
}
