// A tour: a short sequence of scenarios run as one (loadgen/scenarios/tour.yaml, the default of
// `npm start`). Each part is an ordinary scenario, validated as one; the tour only adds the
// order and a name. Problems are collected across every part at once, with their key path
// (`parts[1].steps[0]`) and line, like a scenario's.
import { readFileSync } from 'node:fs';
import { LineCounter, isMap, parseDocument, type Node as YamlNode } from 'yaml';
import { EXIT, LabError } from '../core/errors.js';
import { listScenarios, lineOf, resolveScenarioPath, SCENARIOS_DIR, type ScenarioListing } from './load.js';
import { ScenarioError, type Problem } from '../model/problems.js';
import type { Scenario } from '../model/scenario.js';
import { validateScenario, type ValidateOptions } from './validate.js';

export interface Tour {
  name: string;
  description: string;
  parts: Scenario[];
  /** 'all' unless every part names its targets: then every name any part lists. */
  targets: 'all' | string[];
  file?: string;
}

const TOP_KEYS = ['name', 'description', 'parts'];
const NAME_RE = /^[a-z0-9-]+$/;

export function isTour(plan: Scenario | Tour): plan is Tour {
  return 'parts' in plan;
}

/** A YAML text is a tour when its top level has `parts` (a scenario has `executor` instead). */
export function isTourText(text: string): boolean {
  try {
    const doc = parseDocument(text);
    return isMap(doc.contents) && doc.contents.has('parts');
  } catch {
    return false;
  }
}

/** A path or a bare name (as `lab run` takes it) that names a tour file. */
export function isTourFile(pathOrName: string, dir = SCENARIOS_DIR): boolean {
  try {
    return isTourText(readFileSync(resolveScenarioPath(pathOrName, dir), 'utf8'));
  } catch {
    return false;
  }
}

export function loadTour(pathOrName: string, opts: ValidateOptions = {}, dir = SCENARIOS_DIR): Tour {
  const file = resolveScenarioPath(pathOrName, dir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new LabError(`cannot read tour ${file}: ${(err as Error).message}`, EXIT.badInput);
  }
  return { ...parseTourText(text, file, opts), file };
}

export function parseTourText(text: string, file?: string, opts: ValidateOptions = {}): Tour {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    throw new ScenarioError(doc.errors.map((e) => ({ path: '', message: `YAML syntax: ${e.message.split('\n')[0]}`, line: e.linePos?.[0]?.line })), file);
  }
  const data = doc.toJS() as unknown;
  const problems: Problem[] = [];
  const parts: Scenario[] = [];
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    problems.push({ path: '', message: 'a tour must be a YAML mapping with name, description and parts (a list of scenarios)' });
  } else {
    const d = data as Record<string, unknown>;
    for (const k of Object.keys(d)) if (!TOP_KEYS.includes(k)) problems.push({ path: k, message: `unknown key '${k}' (allowed: ${TOP_KEYS.join(', ')})` });
    if (typeof d.name !== 'string' || !NAME_RE.test(d.name)) problems.push({ path: 'name', message: 'is required: lower-case letters, digits and dashes ([a-z0-9-]+)' });
    if (d.description !== undefined && typeof d.description !== 'string') problems.push({ path: 'description', message: 'must be text' });
    if (!Array.isArray(d.parts) || d.parts.length === 0) problems.push({ path: 'parts', message: 'must be a non-empty list of scenarios (each with name, executor, steps, duration, ...)' });
    else {
      const names = new Set<string>();
      d.parts.forEach((p, i) => {
        const name = (p as { name?: unknown } | null)?.name;
        if (typeof name === 'string' && names.has(name)) problems.push({ path: `parts[${i}].name`, message: `'${name}' is used by an earlier part: each part needs its own name (it names the part's run folder)` });
        if (typeof name === 'string') names.add(name);
        const result = validateScenario(p, opts);
        if (result.ok) parts.push(result.scenario);
        else for (const q of result.problems) problems.push({ path: `parts[${i}]${q.path ? `.${q.path}` : ''}`, message: q.message });
      });
    }
  }
  if (problems.length) {
    for (const p of problems) p.line = lineOf(doc.contents as YamlNode | null, p.path, lc);
    throw new ScenarioError(problems, file);
  }
  const d = data as { name: string; description?: string };
  const listed = parts.map((p) => p.targets);
  const targets = listed.every((t) => t !== 'all') ? [...new Set(listed.flat() as string[])] : 'all';
  return { name: d.name, description: d.description ?? '', parts, targets };
}

/** listScenarios, with a tour listed as one (executor `tour`, its parts' executors in the description). */
export function listRunnables(dir = SCENARIOS_DIR): ScenarioListing[] {
  return listScenarios(dir).map((s) => {
    let text: string;
    try {
      text = readFileSync(s.file, 'utf8');
    } catch {
      return s;
    }
    if (!isTourText(text)) return s;
    try {
      const t = parseTourText(text, s.file);
      return { ...s, name: t.name, executor: 'tour', description: `${t.description} (parts: ${t.parts.map((p) => `${p.name}, ${p.executor}`).join('; ')})` };
    } catch (err) {
      return { ...s, executor: 'tour', description: `invalid: ${(err as Error).message.split('\n')[0]}` };
    }
  });
}
