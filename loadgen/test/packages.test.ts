// What measures does not depend on the shared code of what it measures (issue 19): the load
// generator takes the contract from contract-ts and the /proc readers from proc-stats, never from
// ts-common, the Node rows' own package. npm workspaces hoist every package, so an import of
// ts-common would still resolve: this test is what keeps it out.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from './helpers/paths.js';

const LOADGEN = path.join(REPO_ROOT, 'loadgen');
const ROWS_PACKAGE = '@concurrency-lab/ts-common';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return d.name === 'fixtures' || d.name === 'node_modules' ? [] : sources(p);
    return /\.(ts|mjs|js)$/.test(d.name) && !d.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** The files whose text imports `pkg` (static, type-only, re-export or dynamic). */
function importersOf(pkg: string, files: { file: string; text: string }[]): string[] {
  const re = new RegExp(`(?:from|import)\\s*\\(?\\s*['"]${pkg.replace(/[/.]/g, '\\$&')}['"]`);
  return files.filter((f) => re.test(f.text)).map((f) => f.file);
}

test('the load generator does not depend on the Node rows\' shared package', () => {
  const pkg = JSON.parse(readFileSync(path.join(LOADGEN, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
  for (const field of ['dependencies', 'devDependencies', 'peerDependencies']) assert.equal(pkg[field]?.[ROWS_PACKAGE], undefined, `loadgen/package.json ${field}`);
  assert.ok(pkg.dependencies?.['@concurrency-lab/contract-ts'] && pkg.dependencies['@concurrency-lab/proc-stats']);
  const files = ['src', 'test', 'bench', 'test-docker', 'bin'].flatMap((d) => {
    try {
      return sources(path.join(LOADGEN, d));
    } catch {
      return [];
    }
  }).map((file) => ({ file: path.relative(REPO_ROOT, file), text: readFileSync(file, 'utf8') }));
  assert.ok(files.length > 100, `scanned ${files.length} files`);
  assert.deepEqual(importersOf(ROWS_PACKAGE, files), []);
});

test('the import scan sees every form', () => {
  const forms = [
    `import { LIMITS } from '${ROWS_PACKAGE}';`,
    `import type { X } from "${ROWS_PACKAGE}";`,
    `export { y } from '${ROWS_PACKAGE}';`,
    `const m = await import('${ROWS_PACKAGE}');`,
  ].map((text, i) => ({ file: String(i), text }));
  assert.deepEqual(importersOf(ROWS_PACKAGE, forms), ['0', '1', '2', '3']);
  assert.deepEqual(importersOf(ROWS_PACKAGE, [{ file: 'c', text: `from '@concurrency-lab/contract-ts'` }]), []);
});
