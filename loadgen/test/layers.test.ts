// Layers read bottom-up (issue 19; loadgen/src/README.md draws the floors): every module of loadgen/src
// sits on a floor and imports only from its own room or from floors below; the import graph has
// no circle. Scans every import in loadgen/src; synthetic trees prove each rule can fail.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from './helpers/paths.js';

const SRC = path.join(REPO_ROOT, 'loadgen', 'src');

/**
 * The floors, ground first. A room is a path prefix under src/ (`*` stands for any one folder
 * name, so each executor is a room of its own); a module belongs to the room with the longest
 * matching prefix, a named one before a `*` of the same length. Rooms on one floor do not import each other.
 */
export const FLOORS: string[][] = [
  ['core/'], // errors, units, file writing, Prometheus text, sleep, manifests
  ['model/'], // the shapes every layer exchanges: results, findings, scenario keys, problems, thresholds, events
  ['draw/', 'runtime/'], // charts, tables, markdown, colours; starting and watching the rows
  ['observe/', 'verify/'], // scraping and sampling the rows; `lab verify`'s checks
  ['executors/common/'], // what every executor implements (Executor, StepPlugin, ResultView)
  ['executors/load-common/'], // what the load sweeps share (load view and findings, histograms, wrk, connections)
  ['executors/*/'], // one folder per executor or step plugin
  ['executors/registry.ts'], // the one list of them
  ['scenario/', 'results/'], // whatever loops over the registry: scenario loading, results reading, findings, verdicts
  ['report/'], // summary.md, CSV, charts, report.html
  ['scenario-run/'], // the run loop, timelines, events, split load generators
  ['web-server/'],
  ['cli/'],
];

/** The room of a module (its prefix, `*` filled in) and its floor; undefined when no room holds it. */
export function roomOf(file: string, floors: string[][] = FLOORS): { room: string; floor: number } | undefined {
  let best: { room: string; floor: number } | undefined;
  for (const [floor, rooms] of floors.entries()) {
    for (const prefix of rooms) {
      const re = new RegExp(`^${prefix.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]+')}`);
      const m = re.exec(file);
      const longer = m && (!best || m[0].length > best.room.length || (m[0].length === best.room.length && !prefix.includes('*')));
      if (m && longer) best = { room: m[0], floor };
    }
  }
  return best;
}

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

/** The module a relative specifier names, as a path under src/ ending in .ts; undefined for packages and builtins. */
function targetOf(file: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  return path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)).replace(/\.js$/, '.ts');
}

/** Files as paths relative to src/ ("core/errors.ts") with their specifiers; returns the broken rules. */
export function layerProblems(modules: Record<string, string[]>, floors: string[][] = FLOORS): string[] {
  const problems: string[] = [];
  for (const [file, specs] of Object.entries(modules)) {
    const from = roomOf(file, floors);
    if (!from) { problems.push(`${file} is on no floor (add its folder to FLOORS)`); continue; }
    for (const spec of specs) {
      const target = targetOf(file, spec);
      if (target === undefined) continue;
      if (target.startsWith('..')) { problems.push(`${file} imports ${spec}, outside loadgen/src`); continue; }
      const to = roomOf(target, floors);
      if (!to || to.room === from.room) continue; // a module on no floor is reported as a file of its own
      if (to.floor > from.floor) problems.push(`${file} (${from.room}) imports ${spec}, an upper floor (${to.room})`);
      else if (to.floor === from.floor) problems.push(`${file} (${from.room}) imports ${spec}, another room of its floor (${to.room})`);
    }
  }
  return problems;
}

/** Every circle in the module graph, each once as `a -> b -> a` (started at its smallest path). */
export function cycles(modules: Record<string, string[]>): string[] {
  const edges = new Map<string, string[]>();
  for (const [file, specs] of Object.entries(modules)) {
    edges.set(file, specs.map((s) => targetOf(file, s)).filter((t): t is string => t !== undefined && Object.hasOwn(modules, t)));
  }
  const found = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const t of edges.get(f) ?? []) {
      if (state.get(t) === 'open') {
        const circle = stack.slice(stack.indexOf(t));
        const start = circle.indexOf([...circle].sort()[0]!);
        const turned = [...circle.slice(start), ...circle.slice(0, start)];
        found.add([...turned, turned[0]].join(' -> '));
      } else if (!state.has(t)) visit(t);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of [...edges.keys()].sort()) if (!state.has(f)) visit(f);
  return [...found].sort();
}

function scanSources(): Record<string, string[]> {
  const modules: Record<string, string[]> = {};
  for (const f of sourceFiles(SRC)) modules[path.relative(SRC, f).split(path.sep).join('/')] = specifiersOf(readFileSync(f, 'utf8'));
  return modules;
}

test('every import in loadgen/src goes down a floor or stays in its room', () => {
  const modules = scanSources();
  assert.ok(Object.keys(modules).some((f) => f.startsWith('model/')), 'loadgen/src/model exists');
  assert.ok(Object.values(modules).flat().length > 200, 'the scan found the imports');
  assert.deepEqual(layerProblems(modules), []);
});

test('the import graph of loadgen/src has no circle', () => {
  assert.deepEqual(cycles(scanSources()), []);
});

test('each floor rule catches a wrong arrow', () => {
  const problems = layerProblems({
    'runtime/local/x.ts': ["import { LabError } from '../../cli/errors.js'"].map((l) => specifiersOf(l)[0]!),
    'results/y.ts': ['../web-server/server.js', './files.js', '../model/results.js', '../scenario/load.js'],
    'core/z.ts': ['../runtime/types.js', './errors.js', 'node:fs', 'ajv'],
    'model/results.ts': ['../executors/overhead/modes.js'],
    'executors/overhead/view.ts': ['../idle-connections/view.js', '../load-common/view.js', './modes.js', '../registry.js', '../../draw/markdown.js', '../common/view.js'],
    'executors/common/view.ts': ['../load-common/histogram.js'],
    'draw/x.ts': ['../runtime/types.js'],
    'elsewhere/x.ts': [],
  });
  assert.deepEqual(problems, [
    'runtime/local/x.ts (runtime/) imports ../../cli/errors.js, an upper floor (cli/)',
    'results/y.ts (results/) imports ../web-server/server.js, an upper floor (web-server/)',
    'results/y.ts (results/) imports ../scenario/load.js, another room of its floor (scenario/)',
    'core/z.ts (core/) imports ../runtime/types.js, an upper floor (runtime/)',
    'model/results.ts (model/) imports ../executors/overhead/modes.js, an upper floor (executors/overhead/)',
    'executors/overhead/view.ts (executors/overhead/) imports ../idle-connections/view.js, another room of its floor (executors/idle-connections/)',
    'executors/overhead/view.ts (executors/overhead/) imports ../registry.js, an upper floor (executors/registry.ts)',
    'executors/common/view.ts (executors/common/) imports ../load-common/histogram.js, an upper floor (executors/load-common/)',
    'draw/x.ts (draw/) imports ../runtime/types.js, another room of its floor (runtime/)',
    'elsewhere/x.ts is on no floor (add its folder to FLOORS)',
  ]);
});

test('the circle check finds a circle through type-only imports, once', () => {
  assert.deepEqual(cycles({
    'model/results.ts': ['../executors/overhead/modes.js', './step-timeline.js'],
    'model/step-timeline.ts': [],
    'executors/overhead/modes.ts': ['../../results/findings.js'],
    'results/findings.ts': ['../model/results.js'],
    'a.ts': ['./b.js'],
    'b.ts': ['./a.js', 'node:fs'],
  }), [
    'a.ts -> b.ts -> a.ts',
    'executors/overhead/modes.ts -> results/findings.ts -> model/results.ts -> executors/overhead/modes.ts',
  ]);
  assert.deepEqual(cycles({ 'core/a.ts': ['./b.js'], 'core/b.ts': [] }), []);
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
