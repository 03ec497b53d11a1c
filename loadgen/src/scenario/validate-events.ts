import { parseDurationSeconds } from '../core/units.js';
import type { Problem } from '../model/problems.js';
import { CURRENT_TARGET, type EventKind, type StepEvent, type UpstreamSettings } from '../model/events.js';

// The `events` key of a scenario: every problem at once, each at its key path, before anything
// runs. The scenario validator calls this with what it knows of the rest of the scenario.

export interface EventsContext {
  /** The measure phase's length; undefined when `duration` itself is invalid (offsets are then not checked). */
  durationS?: number;
  /** Service names a kill/pause/restart may name besides `target` and `upstream`. */
  knownServices?: string[];
  /** Why this scenario's executor cannot carry events (it has no timeline), if it cannot. */
  executorRefuses?: string;
  /** The request carries delay_ms, which overrides the upstream's configured delay per request. */
  requestSetsDelay?: boolean;
}

const ACTIONS: EventKind[] = ['upstream', 'kill', 'pause', 'restart'];
const KEYS = ['at', 'for', ...ACTIONS];
const UPSTREAM_RANGES: Record<keyof UpstreamSettings, { max: number; integer: boolean }> = {
  delay_ms: { max: 60_000, integer: true },
  jitter_ms: { max: 60_000, integer: true },
  error_rate: { max: 1, integer: false },
};

export function validateEvents(raw: unknown, ctx: EventsContext = {}): { problems: Problem[]; events: StepEvent[] } {
  const problems: Problem[] = [];
  const events: StepEvent[] = [];
  if (raw === undefined) return { problems, events };
  if (!Array.isArray(raw)) {
    return { problems: [{ path: 'events', message: "must be a list of events, e.g. [{ at: 5s, upstream: { delay_ms: 2000 }, for: 10s }, { at: 8s, kill: target }]" }], events };
  }
  if (ctx.executorRefuses && raw.length > 0) problems.push({ path: 'events', message: ctx.executorRefuses });
  raw.forEach((item, index) => {
    const at = `events[${index}]`;
    const bad = (key: string, message: string) => problems.push({ path: key ? `${at}.${key}` : at, message });
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return bad('', 'must be a mapping such as { at: 5s, kill: target }');
    const e = item as Record<string, unknown>;
    for (const k of Object.keys(e)) if (!KEYS.includes(k)) bad(k, `unknown key '${k}' (allowed: ${KEYS.join(', ')})`);
    const actions = ACTIONS.filter((a) => e[a] !== undefined);
    if (actions.length !== 1) bad('', actions.length === 0 ? `needs one of: ${ACTIONS.join(', ')}` : `has ${actions.join(' and ')}: one action per event`);
    const kind = actions[0];

    const atS = seconds(e.at, 'at', bad, true);
    const forS = seconds(e.for, 'for', bad, false);
    if (kind === 'pause' && e.for === undefined) bad('for', 'is required for a pause (how long the service stays frozen), e.g. 5s');
    if ((kind === 'kill' || kind === 'restart') && e.for !== undefined) bad('for', `does not apply to ${kind} (it is instantaneous; the supervisor or the restart brings the service back)`);
    if (atS !== undefined && ctx.durationS !== undefined) {
      if (atS >= ctx.durationS) bad('at', `${atS} s is not inside the measure phase (duration ${ctx.durationS} s)`);
      else if (forS !== undefined && atS + forS > ctx.durationS) bad('for', `ends at ${atS + forS} s, after the measure phase (duration ${ctx.durationS} s)`);
    }

    let upstream: UpstreamSettings | undefined;
    let target: string | undefined;
    if (kind === 'upstream') upstream = settings(e.upstream, bad, ctx);
    else if (kind) target = targetName(e[kind], kind, bad, ctx);
    if (kind && atS !== undefined) events.push({ index, kind, atS, ...(forS !== undefined ? { forS } : {}), ...(target ? { target } : {}), ...(upstream ? { upstream } : {}) });
  });
  return { problems, events: problems.length ? [] : events.sort((a, b) => a.atS - b.atS || a.index - b.index) };
}

function seconds(v: unknown, key: string, bad: (k: string, m: string) => void, required: boolean): number | undefined {
  if (v === undefined) {
    if (required) bad(key, 'is required: the offset in the measure phase, e.g. 5s');
    return undefined;
  }
  const s = typeof v === 'string' ? parseDurationSeconds(v) : undefined;
  if (s === undefined) bad(key, `${JSON.stringify(v)} is not a duration; use e.g. '5s', '500ms'`);
  else if (key === 'for' && s <= 0) bad(key, 'must be longer than 0s');
  return s;
}

function settings(v: unknown, bad: (k: string, m: string) => void, ctx: EventsContext): UpstreamSettings | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || Object.keys(v).length === 0) {
    bad('upstream', 'must be a mapping of delay_ms, jitter_ms, error_rate, e.g. { delay_ms: 2000 }');
    return undefined;
  }
  const out: UpstreamSettings = {};
  for (const [k, val] of Object.entries(v)) {
    const range = UPSTREAM_RANGES[k as keyof UpstreamSettings];
    if (!range) { bad(`upstream.${k}`, `unknown key '${k}' (allowed: ${Object.keys(UPSTREAM_RANGES).join(', ')})`); continue; }
    if (typeof val !== 'number' || val < 0 || val > range.max || (range.integer && !Number.isInteger(val))) {
      bad(`upstream.${k}`, `must be ${range.integer ? 'an integer' : 'a number'} from 0 to ${range.max}, got ${JSON.stringify(val)}`);
      continue;
    }
    out[k as keyof UpstreamSettings] = val;
  }
  if (out.delay_ms !== undefined && ctx.requestSetsDelay) {
    bad('upstream.delay_ms', 'has no effect while request.delay_ms is set (each request names its own delay): remove request.delay_ms and set the base delay with the top-level upstream.delay_ms');
  }
  return out;
}

function targetName(v: unknown, kind: EventKind, bad: (k: string, m: string) => void, ctx: EventsContext): string | undefined {
  const allowed = [CURRENT_TARGET, 'upstream', ...(ctx.knownServices ?? [])];
  if (typeof v !== 'string' || (ctx.knownServices && !allowed.includes(v))) {
    bad(kind, `must be '${CURRENT_TARGET}' (the row being measured), 'upstream'${ctx.knownServices ? ` or one of: ${ctx.knownServices.join(', ')}` : ' or a service name'}; got ${JSON.stringify(v)}`);
    return undefined;
  }
  return v;
}
