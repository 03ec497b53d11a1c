import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The compiled file lives at loadgen/dist/src/core/manifest/ (or loadgen/src/core/manifest/ under a
// TS loader), so a fixed number of `..` would break as soon as the layout moves. Walking up
// to the folder that holds services/service.schema.json works from either place.
let cachedRoot: string | undefined;

export function repoRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'services', 'service.schema.json')) && existsSync(path.join(dir, 'package.json'))) {
      cachedRoot = dir;
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the repository root (no services/service.schema.json above ${fileURLToPath(import.meta.url)})`);
    dir = parent;
  }
}

/** The services folder: LAB_SERVICES_DIR (tests point it at fixtures) or <repo>/services. */
export function defaultServicesDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.LAB_SERVICES_DIR;
  return fromEnv ? path.resolve(fromEnv) : path.join(repoRoot(), 'services');
}

export function schemaPath(): string {
  return path.join(repoRoot(), 'services', 'service.schema.json');
}
