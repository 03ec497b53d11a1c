import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { EXECUTOR_NAMES, executorFor, isExecutorName, SCENARIO_PARTS, STEP_PLUGINS } from '../executors/registry.js';
import { keyPath, pointerSegments, type Problem } from '../model/problems.js';
import { parseThreshold, type Threshold } from '../model/thresholds.js';
import type { Scenario, ScenarioSource } from '../model/scenario.js';
import { parseDurationSeconds, parseSizeBytes } from '../core/units.js';
import { validateEvents } from './validate-events.js';
import { trialsConfig, trialsProblems } from '../model/trials.js';

// Two passes, both collecting every problem: the JSON Schema checks structure (types, unknown
// keys, enums); the semantic pass checks values whose meaning the schema cannot express.

// scenario.schema.json holds the keys every scenario has; each executor and step plugin adds
// the keys it owns (configSchema), so the schema checks them and names them as allowed.
const schema = withParts(JSON.parse(readFileSync(new URL('../../../src/scenario/scenario.schema.json', import.meta.url), 'utf8')));

function withParts(base: { properties: Record<string, unknown> }) {
  for (const p of SCENARIO_PARTS) {
    for (const [key, fragment] of Object.entries(p.configSchema)) {
      if (Object.hasOwn(base.properties, key)) throw new Error(`${p.name} declares the scenario key '${key}', which is already taken`);
      base.properties[key] = fragment;
    }
  }
  return base;
}
const ajv = new Ajv({ allErrors: true, strict: false });
const validateShape = ajv.compile(schema);

/** Steps larger than this are surely typos on a 2-core lab machine. */
const MAX_STEP = 1_000_000;

export interface ValidateOptions {
  /** Service names that exist (discovered under services/); unknown targets are errors. */
  knownTargets?: string[];
}

export type ValidationResult = { ok: true; scenario: Scenario } | { ok: false; problems: Problem[] };

export function validateScenario(data: unknown, opts: ValidateOptions = {}): ValidationResult {
  const problems: Problem[] = [];
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, problems: [{ path: '', message: 'a scenario must be a YAML mapping of keys (name, executor, steps, duration, ...)' }] };
  }
  if (!validateShape(data)) problems.push(...shapeProblems(validateShape.errors ?? []));
  problems.push(...semanticProblems(data as Record<string, unknown>, opts));
  if (problems.length) return { ok: false, problems: dedupe(problems) };
  return { ok: true, scenario: toScenario(data as ScenarioSource) };
}

function shapeProblems(errors: ErrorObject[]): Problem[] {
  const out: Problem[] = [];
  for (const e of errors) {
    const segs = pointerSegments(e.instancePath);
    if (e.keyword === 'anyOf') continue;
    if (e.schemaPath.startsWith('#/properties/targets/anyOf')) {
      out.push({ path: keyPath(segs), message: "must be 'all' or a list of service names" });
      continue;
    }
    switch (e.keyword) {
      case 'additionalProperties': {
        const key = (e.params as { additionalProperty: string }).additionalProperty;
        out.push({ path: keyPath([...segs, key]), message: `unknown key '${key}' (allowed: ${allowedKeys(segs).join(', ')})` });
        break;
      }
      case 'required': {
        const key = (e.params as { missingProperty: string }).missingProperty;
        out.push({ path: keyPath([...segs, key]), message: 'is required' });
        break;
      }
      case 'enum':
        out.push({ path: keyPath(segs), message: `must be one of: ${((e.params as { allowedValues: unknown[] }).allowedValues).join(', ')}` });
        break;
      case 'pattern':
        out.push({ path: keyPath(segs), message: 'must be lower-case letters, digits and dashes ([a-z0-9-]+)' });
        break;
      default:
        out.push({ path: keyPath(segs), message: e.message ?? 'is invalid' });
    }
  }
  return out;
}

function allowedKeys(segs: string[]): string[] {
  let node = schema as { properties?: Record<string, unknown> };
  for (const s of segs) node = (node.properties?.[s] ?? {}) as typeof node;
  return Object.keys(node.properties ?? {});
}

function semanticProblems(d: Record<string, unknown>, opts: ValidateOptions): Problem[] {
  const out: Problem[] = [];
  const executor = d.executor;
  if (typeof executor === 'string' && !isExecutorName(executor)) out.push({ path: 'executor', message: `must be one of: ${EXECUTOR_NAMES.join(', ')}` });

  if (Array.isArray(d.steps)) {
    d.steps.forEach((s, i) => {
      if (typeof s !== 'number' || !Number.isInteger(s) || s <= 0) out.push({ path: `steps[${i}]`, message: `must be a positive integer (got ${JSON.stringify(s)})` });
      else if (s > MAX_STEP) out.push({ path: `steps[${i}]`, message: `must be at most ${MAX_STEP} (got ${s})` });
    });
  } else if (d.steps !== undefined) {
    out.push({ path: 'steps', message: 'must be a list of positive integers, e.g. [1, 10, 100]' });
  }

  for (const key of ['duration', 'warmup', 'cooldown'] as const) {
    const v = d[key];
    if (typeof v !== 'string') continue;
    const s = parseDurationSeconds(v);
    if (s === undefined) out.push({ path: key, message: `'${v}' is not a duration; use e.g. '10s', '500ms', '2m'` });
    else if (key === 'duration' && s <= 0) out.push({ path: key, message: 'must be longer than 0s' });
  }

  if (Array.isArray(d.thresholds)) {
    d.thresholds.forEach((t, i) => {
      if (typeof t !== 'string') return;
      const parsed = parseThreshold(t);
      if (typeof parsed === 'string') out.push({ path: `thresholds[${i}]`, message: parsed });
    });
  }

  if (Array.isArray(d.targets)) {
    const seen = new Set<string>();
    d.targets.forEach((t, i) => {
      if (typeof t !== 'string') return;
      if (seen.has(t)) out.push({ path: `targets[${i}]`, message: `'${t}' is listed twice` });
      seen.add(t);
      if (opts.knownTargets && !opts.knownTargets.includes(t)) {
        out.push({ path: `targets[${i}]`, message: `unknown target '${t}' (known: ${opts.knownTargets.join(', ')})` });
      }
    });
  }

  out.push(...partProblems(d));
  out.push(...trialsProblems(d));

  out.push(...validateEvents(d.events, {
    durationS: typeof d.duration === 'string' ? parseDurationSeconds(d.duration) : undefined,
    knownServices: opts.knownTargets,
    requestSetsDelay: typeof (d.request as { delay_ms?: unknown } | undefined)?.delay_ms === 'number' && isExecutorName(executor) && executorFor(executor).protocol === 'http',
    // Events need a step that puts request load: its timeline is what they are read against.
    executorRefuses: isExecutorName(executor) && !executorFor(executor).view.measuresRequests
      ? `events need a step that sends requests; ${executor} does not (use ${EXECUTOR_NAMES.filter((n) => executorFor(n).view.measuresRequests).join(', ')})` : undefined,
  }).problems);

  const res = d.resources as Record<string, unknown> | undefined;
  if (res && typeof res === 'object' && typeof res.memory === 'string' && parseSizeBytes(res.memory) === undefined) {
    out.push({ path: 'resources.memory', message: `'${res.memory}' is not a size; use e.g. '512m', '1g'` });
  }
  return out;
}

/** The chosen executor's own checks; keys of another executor, or of a plugin it does not take, are errors. */
function partProblems(d: Record<string, unknown>): Problem[] {
  const out: Problem[] = [];
  const executor = d.executor;
  if (isExecutorName(executor)) out.push(...(executorFor(executor).validate?.(d) ?? []));
  if (executor === undefined) return out;
  for (const name of EXECUTOR_NAMES) {
    if (name === executor) continue;
    for (const key of Object.keys(executorFor(name).configSchema)) {
      if (d[key] !== undefined) out.push({ path: key, message: `only applies to the ${name} executor (this scenario uses ${String(executor)})` });
    }
  }
  for (const p of STEP_PLUGINS) {
    const riders = EXECUTOR_NAMES.filter((n) => executorFor(n).stepPlugins?.includes(p.name));
    for (const key of Object.keys(p.configSchema)) {
      if (d[key] === undefined || d[key] === false) continue;
      if (!riders.includes(executor as never)) out.push({ path: key, message: `only applies to the ${riders.join(' and ')} executor${riders.length > 1 ? 's' : ''} (this scenario uses ${String(executor)})` });
      else out.push(...(p.validate?.(d) ?? []));
    }
  }
  return out;
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.path}\u0000${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function toScenario(src: ScenarioSource): Scenario {
  const thresholds = (src.thresholds ?? []).map((t) => parseThreshold(t) as Threshold);
  const memoryBytes = src.resources?.memory === undefined ? undefined : parseSizeBytes(src.resources.memory);
  return {
    name: src.name,
    description: src.description ?? '',
    executor: src.executor,
    targets: src.targets ?? 'all',
    request: { text: 'hello my friend', ...src.request },
    steps: [...src.steps],
    durationS: parseDurationSeconds(src.duration)!,
    warmupS: src.warmup === undefined ? 0 : parseDurationSeconds(src.warmup)!,
    cooldownS: src.cooldown === undefined ? 0 : parseDurationSeconds(src.cooldown)!,
    upstream: src.upstream,
    resources: src.resources ? { cpus: src.resources.cpus, memoryBytes } : undefined,
    thresholds,
    events: validateEvents(src.events).events,
    trials: trialsConfig(src),
    source: src,
    // Each executor and step plugin fills its own part (configure()).
    ...Object.assign({}, ...SCENARIO_PARTS.map((p) => p.configure?.(src) ?? {})),
  };
}
