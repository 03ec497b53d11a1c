// Executors own themselves (issue 9): outside loadgen/src/executors/ (the web page included:
// it draws what the server computed), no code names an executor or step plugin, or reads a step-result key an
// executor's view declares. The names and keys come from the registry itself, so a new
// executor is held to the rule without this test changing; a synthetic file proves it can fail.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { EXECUTOR_NAMES, executors, PLUGIN_VIEWS, RESULT_VIEWS, SCENARIO_PARTS, STEP_PLUGINS, stepPlugins } from '../../src/executors/registry.js';
import { REPO_ROOT } from '../helpers/paths.js';

const LOADGEN = path.join(REPO_ROOT, 'loadgen');
/** `lab verify` checks the services' /overhead endpoint against the contract: the endpoint and its answer, not a step result. */
const EXEMPT = new Set(['src/verify/checks/overhead.ts', 'src/verify/verify.ts']);

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(path.join(dir, d.name), ext) : ext.test(d.name) ? [path.join(dir, d.name)] : []);
}

/** The code of a source without its comments (comments may name what they explain). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Each offence as `file: what`: a name as a whole string literal, or a result key read as a property. */
export function ownershipProblems(sources: Record<string, string>, names: string[], keys: string[]): string[] {
  const named = new RegExp(`(['"\`])(${names.map(escape).join('|')})\\1`, 'g');
  const read = new RegExp(`(?:\\?\\.|\\.)(${keys.map(escape).join('|')})\\b(?!\\s*\\()|\\[\\s*['"](${keys.map(escape).join('|')})['"]\\s*\\]`, 'g');
  const out: string[] = [];
  for (const [file, text] of Object.entries(sources)) {
    const c = code(text);
    for (const m of c.matchAll(named)) out.push(`${file}: names '${m[2]}'`);
    for (const m of c.matchAll(read)) out.push(`${file}: reads .${m[1] ?? m[2]}`);
  }
  return out;
}

test('no module outside the executors names an executor or reads its result keys', () => {
  const sources: Record<string, string> = {};
  const rel = (f: string) => path.relative(LOADGEN, f).split(path.sep).join('/');
  for (const f of [...files(path.join(LOADGEN, 'src'), /\.ts$/), ...files(path.join(LOADGEN, 'web', 'js'), /\.js$/)]) {
    const r = rel(f);
    if (r.startsWith('src/executors/') || EXEMPT.has(r)) continue;
    sources[r] = readFileSync(f, 'utf8');
  }
  assert.ok(Object.keys(sources).length > 50, 'the scan found the sources');
  const names = [...EXECUTOR_NAMES, ...STEP_PLUGINS.map((p) => p.name)];
  const keys = RESULT_VIEWS.flatMap((v) => v.resultKeys);
  assert.deepEqual([...keys].sort(), ['cross_check', 'head_of_line', 'idle_connections', 'overhead', 'reconnects'], 'the views declare the step keys results.json has');
  assert.deepEqual(ownershipProblems(sources, names, keys), []);
});

test('the rule catches a name and a key, and leaves comments and calls alone', () => {
  assert.deepEqual(ownershipProblems({
    'report/x.ts': "// the overhead executor's .overhead\nif (r.scenario.executor === 'overhead') show(s.overhead?.mode);\nconst a = s['idle'];\nmetrics.idle();\nconst t = `idle`;",
  }, ['overhead', 'idle-connections'], ['overhead', 'idle']), [
    "report/x.ts: names 'overhead'",
    'report/x.ts: reads .overhead',
    'report/x.ts: reads .idle',
  ]);
});

test('the registry: names are their keys, each step key and scenario key has one owner, each schema names its keys', () => {
  for (const [key, e] of Object.entries(executors)) assert.equal(e.name, key);
  for (const [key, p] of Object.entries(stepPlugins)) assert.equal(p.name, key);
  const stepKeys = RESULT_VIEWS.flatMap((v) => v.resultKeys);
  assert.equal(new Set(stepKeys).size, stepKeys.length, `a step key has two owners: ${stepKeys.join(', ')}`);
  for (const v of RESULT_VIEWS) assert.deepEqual(Object.keys(v.resultSchema ?? {}), [...v.resultKeys], `${v.name}: resultSchema describes its resultKeys`);
  const scenarioKeys = SCENARIO_PARTS.flatMap((p) => Object.keys(p.configSchema));
  assert.equal(new Set(scenarioKeys).size, scenarioKeys.length, `a scenario key has two owners: ${scenarioKeys.join(', ')}`);
  assert.equal(RESULT_VIEWS.filter((v) => !v.owns).length, PLUGIN_VIEWS.filter((v) => !v.owns).length + 1, 'one default view among the executors');
});
