#!/usr/bin/env node
// `npm run generate [-- --check]`: the files derived from the manifests (index.mjs), the build
// (`tsc -b`, which reads the generated tsconfig.json), then the results tables, which read the
// committed runs through the compiled load generator (published.mjs). Stops at the first step
// that fails, with its exit code; `--check` goes to both generators.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const args = process.argv.slice(2);
const tsc = path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');

const steps = [
  { what: 'generate', argv: [path.join(HERE, 'index.mjs'), ...args] },
  { what: 'tsc -b', argv: [tsc, '-b'], needs: tsc },
  { what: 'generate published', argv: [path.join(HERE, 'published.mjs'), ...args] },
];
for (const step of steps) {
  if (step.needs && !existsSync(step.needs)) {
    console.error(`${step.what}: ${path.relative(REPO, step.needs)} is missing: run \`npm ci\` first`);
    process.exit(2);
  }
  const r = spawnSync(process.execPath, step.argv, { cwd: REPO, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
