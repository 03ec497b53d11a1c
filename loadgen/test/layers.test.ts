// Layers read top-down (issue 9): core/ imports nothing above it, no module outside cli/ imports
// the CLI, and only the CLI (which starts it) imports the web server. Scans every import in
// loadgen/src; a synthetic tree proves each rule can fail.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from './helpers/paths.js';

const SRC = path.join(REPO_ROOT, 'loadgen', 'src');
const WEB_SERVER = 'web-server/';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sourceFiles(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : []);
}

/** Every module specifier in a TypeScript source: static imports, re-exports, dynamic import(). */
export function specifiersOf(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/g)) found.push(m[1]!);
  for (const m of text.matchAll(/(?:^|[\s;])import\s*['"]([^'"]+)['"]/g)) found.push(m[1]!);
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]!);
  return found;
}

/** Files as paths relative to src/ ("core/errors.ts") with their specifiers; returns the broken rules. */
export function layerProblems(modules: Record<string, string[]>): string[] {
  const problems: string[] = [];
  for (const [file, specs] of Object.entries(modules)) {
    for (const spec of specs) {
      if (!spec.startsWith('.')) continue; // node: builtins and npm packages
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
      if (target.startsWith('..')) { problems.push(`${file} imports ${spec}, outside loadgen/src`); continue; }
      const inCli = (p: string) => p.startsWith('cli/');
      if (inCli(target) && !inCli(file)) problems.push(`${file} imports the CLI (${spec})`);
      if (target.startsWith(WEB_SERVER) && !file.startsWith(WEB_SERVER) && !inCli(file)) problems.push(`${file} imports the web server (${spec})`);
      if (file.startsWith('core/') && !target.startsWith('core/')) problems.push(`${file} (core) imports ${spec}, above core/`);
    }
  }
  return problems;
}

test('every import in loadgen/src follows the layers', () => {
  const modules: Record<string, string[]> = {};
  for (const f of sourceFiles(SRC)) modules[path.relative(SRC, f).split(path.sep).join('/')] = specifiersOf(readFileSync(f, 'utf8'));
  assert.ok(Object.keys(modules).some((f) => f.startsWith('core/')), 'loadgen/src/core exists');
  assert.ok(Object.values(modules).flat().length > 200, 'the scan found the imports');
  assert.deepEqual(layerProblems(modules), []);
});

test('each layer rule catches a wrong arrow', () => {
  const problems = layerProblems({
    'runtime/local/x.ts': ["import { LabError } from '../../cli/errors.js'"].map((l) => specifiersOf(l)[0]!),
    'results/y.ts': ['../web-server/server.js'],
    'core/z.ts': ['../runtime/types.js', './errors.js', 'node:fs', 'ajv'],
    'cli/commands/up.ts': ['../../web-server/server.js', '../main.js', '../../core/errors.js'],
    'web-server/server.ts': ['./run-controller.js'],
  });
  assert.deepEqual(problems, [
    'runtime/local/x.ts imports the CLI (../../cli/errors.js)',
    'results/y.ts imports the web server (../web-server/server.js)',
    'core/z.ts (core) imports ../runtime/types.js, above core/',
  ]);
});

test('the scanner sees static, type-only, re-export and dynamic imports', () => {
  assert.deepEqual(specifiersOf([
    "import a from './a.js';",
    "import type { B } from '../b.js';",
    "export { c } from './c.js';",
    "export type { D } from './d.js';",
    "import './side.js';",
    "const m = await import('../m.js');",
    "import {\n  x,\n  y,\n} from './multi.js';",
  ].join('\n')).sort(), ['../b.js', '../m.js', './a.js', './c.js', './d.js', './multi.js', './side.js'].sort());
});
