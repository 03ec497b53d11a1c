// Request validation shared by the Node rows (the Python rows implement the same rules in
// python-common). Each parser returns the values or one line saying what is wrong, which the
// caller sends as the body of a 400.

export const MAX_TEXT_BYTES = 4096;
export const MAX_DELAY_MS = 60_000;
export const MAX_CPU_ITERS = 10_000_000;
export const MAX_WORKERS = 2000;
export const MAX_TASKS = 100_000;
export const MAX_SLEEP_MS = 1000;

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface EchoParams {
  text: string;
  /** Undefined: the upstream's own default delay. */
  delayMs?: number;
  cpuIters: number;
}

/** /overhead's methods (DESIGN): 'pool' (the default) is the original experiment, C long-lived
 *  workers on a queue bounded to C entries; 'spawn' is a new unit per task, at most C alive. */
export const OVERHEAD_MODES = ['pool', 'spawn'] as const;
export type OverheadMode = (typeof OVERHEAD_MODES)[number];

export interface OverheadParams {
  workers: number;
  tasks: number;
  sleepMs: number;
  mode: OverheadMode;
}

/** A query as parsed by fastify/querystring: repeated keys come as arrays. */
export type Query = Record<string, string | string[] | undefined>;

export function parseEchoParams(query: Query): Parsed<EchoParams> {
  const text = single(query, 'text');
  if (!text.ok) return text;
  if (text.value === undefined || text.value === '') return fail('text is required');
  const bytes = Buffer.byteLength(text.value, 'utf8');
  if (bytes > MAX_TEXT_BYTES) return fail(`text is ${bytes} bytes, at most ${MAX_TEXT_BYTES} allowed`);
  const delay = optionalInt(query, 'delay_ms', 0, MAX_DELAY_MS);
  if (!delay.ok) return delay;
  const cpu = optionalInt(query, 'cpu_iters', 0, MAX_CPU_ITERS);
  if (!cpu.ok) return cpu;
  return { ok: true, value: { text: text.value, delayMs: delay.value, cpuIters: cpu.value ?? 0 } };
}

export function parseOverheadParams(query: Query): Parsed<OverheadParams> {
  const workers = requiredInt(query, 'workers', 1, MAX_WORKERS);
  if (!workers.ok) return workers;
  const tasks = requiredInt(query, 'tasks', 1, MAX_TASKS);
  if (!tasks.ok) return tasks;
  const sleep = requiredInt(query, 'sleep_ms', 0, MAX_SLEEP_MS);
  if (!sleep.ok) return sleep;
  const mode = single(query, 'mode');
  if (!mode.ok) return mode;
  const checked = parseOverheadMode(mode.value);
  if (!checked.ok) return checked;
  return { ok: true, value: { workers: workers.value, tasks: tasks.value, sleepMs: sleep.value, mode: checked.value } };
}

/** Absent or empty -> 'pool'; one of OVERHEAD_MODES -> itself; anything else -> the 400 reason. */
export function parseOverheadMode(raw: string | undefined): Parsed<OverheadMode> {
  if (raw === undefined || raw === '') return { ok: true, value: OVERHEAD_MODES[0] };
  if (!(OVERHEAD_MODES as readonly string[]).includes(raw)) return fail(`mode must be one of ${OVERHEAD_MODES.join(', ')}, got '${clip(raw)}'`);
  return { ok: true, value: raw as OverheadMode };
}

/** Validates an integer given as a decimal string (no sign, no exponent, no blanks). */
export function parseIntInRange(name: string, raw: string, min: number, max: number): Parsed<number> {
  // Digits only: Number('1e3'), Number(' 7') and Number('0x10') would all pass as integers.
  if (!/^-?\d{1,9}$/.test(raw)) return fail(`${name} must be an integer from ${min} to ${max}, got '${clip(raw)}'`);
  const n = Number(raw);
  if (n < min || n > max) return fail(`${name} must be an integer from ${min} to ${max}, got ${n}`);
  return { ok: true, value: n };
}

function optionalInt(query: Query, name: string, min: number, max: number): Parsed<number | undefined> {
  const raw = single(query, name);
  if (!raw.ok) return raw;
  if (raw.value === undefined) return { ok: true, value: undefined };
  return parseIntInRange(name, raw.value, min, max);
}

function requiredInt(query: Query, name: string, min: number, max: number): Parsed<number> {
  const raw = single(query, name);
  if (!raw.ok) return raw;
  if (raw.value === undefined) return fail(`${name} is required (an integer from ${min} to ${max})`);
  return parseIntInRange(name, raw.value, min, max);
}

function single(query: Query, name: string): Parsed<string | undefined> {
  const v = query[name];
  if (Array.isArray(v)) return fail(`${name} is given ${v.length} times, give it once`);
  return { ok: true, value: v };
}

function fail(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}

/** Echoed values stay short and on one line in the reason. */
function clip(raw: string): string {
  const flat = raw.replace(/[\r\n]+/g, ' ');
  return flat.length > 40 ? `${flat.slice(0, 40)}...` : flat;
}
