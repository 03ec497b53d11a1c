import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { EXIT, LabError } from '../core/errors.js';
import { ScenarioError, type Problem } from '../model/problems.js';
import type { Scenario } from '../model/scenario.js';
import { validateScenario, type ValidateOptions } from './validate.js';

/** loadgen/scenarios, where bare names like `quick` are looked up. */
export const SCENARIOS_DIR = fileURLToPath(new URL('../../../scenarios/', import.meta.url));

export interface ScenarioListing {
  name: string;
  description: string;
  executor: string;
  file: string;
}

/** Every shipped scenario (loadgen/scenarios/*.yaml); files that do not parse are listed with their error. */
export function listScenarios(dir = SCENARIOS_DIR): ScenarioListing[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((f) => {
      const file = path.join(dir, f);
      try {
        const s = loadScenario(file);
        return { name: s.name, description: s.description, executor: s.executor, file };
      } catch (err) {
        return { name: f.replace(/\.ya?ml$/, ''), description: `invalid: ${(err as Error).message.split('\n')[0]}`, executor: '?', file };
      }
    });
}

/** The file of a scenario named like `quick` in dir (name.yaml, then name.yml); undefined when there is none. */
export function scenarioFileByName(name: string, dir = SCENARIOS_DIR): string | undefined {
  if (!/^[a-z0-9-]+$/.test(name)) return undefined;
  return ['.yaml', '.yml'].map((ext) => path.join(dir, name + ext)).find((f) => existsSync(f));
}

/** A path to a YAML file, or a bare name resolved in loadgen/scenarios/. */
export function resolveScenarioPath(arg: string, dir = SCENARIOS_DIR): string {
  // Only a file counts: a folder that happens to share a scenario's name (e.g. ./quick) must not shadow it.
  if (existsSync(arg) && statSync(arg).isFile()) return path.resolve(arg);
  const named = scenarioFileByName(arg, dir);
  if (named) return named;
  const known = existsSync(dir) ? readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => f.replace(/\.ya?ml$/, '')) : [];
  throw new LabError(`no scenario '${arg}': not a file, and not a name in ${dir} (known: ${known.join(', ') || 'none'})`, EXIT.badInput);
}

/** Read, parse and validate a scenario; throws ScenarioError (exit 2) listing every problem. */
export function loadScenario(pathOrName: string, opts: ValidateOptions = {}): Scenario {
  const file = resolveScenarioPath(pathOrName);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new LabError(`cannot read scenario ${file}: ${(err as Error).message}`, EXIT.badInput);
  }
  return { ...parseScenarioText(text, file, opts), file };
}

/** Parse and validate YAML text; problems carry the YAML line of their key when it exists. */
export function parseScenarioText(text: string, file?: string, opts: ValidateOptions = {}): Scenario {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    const problems: Problem[] = doc.errors.map((e) => ({
      path: '',
      message: `YAML syntax: ${e.message.split('\n')[0]}`,
      line: e.linePos?.[0]?.line,
    }));
    throw new ScenarioError(problems, file);
  }
  const result = validateScenario(doc.toJS(), opts);
  if (result.ok) return result.scenario;
  for (const p of result.problems) p.line = lineOf(doc.contents as YamlNode | null, p.path, lineCounter);
  throw new ScenarioError(result.problems, file);
}

/** The line of the deepest existing node along a key path like `steps[2]` or `request.foo`. */
export function lineOf(root: YamlNode | null, keyPath: string, lc: LineCounter): number | undefined {
  const segs = keyPath.match(/[^.[\]]+/g) ?? [];
  let node: unknown = root;
  let offset = (root as { range?: number[] } | null)?.range?.[0];
  for (const seg of segs) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === seg);
      if (!pair) break;
      offset = (pair.key as { range?: number[] }).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)] as { range?: number[] } | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else break;
  }
  return offset === undefined ? undefined : lc.linePos(offset).line;
}
