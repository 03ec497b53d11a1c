// Request validation shared by the Node rows (the Python rows implement the same rules in
// labcommon). Each parser returns the values or one line saying what is wrong, which the
// caller sends as the body of a 400. Every limit comes from contract/contract.json.
import { DEFAULT_OVERHEAD_MODE, LIMITS, OVERHEAD_MODES, type OverheadMode } from '@concurrency-lab/contract-ts';

export const MAX_TEXT_BYTES = LIMITS.text_max_bytes;
export const MAX_DELAY_MS = LIMITS.echo.delay_ms.max;
export const MAX_CPU_ITERS = LIMITS.echo.cpu_iters.max;
export const MAX_CPU_MS = LIMITS.echo.cpu_ms.max;
export const MAX_WORKERS = LIMITS.overhead.workers.max;
export const MAX_TASKS = LIMITS.overhead.tasks.max;
export const MAX_SLEEP_MS = LIMITS.overhead.sleep_ms.max;
/** Content of one line-protocol line, without its newline. */
export const MAX_LINE_BYTES = LIMITS.line_max_bytes;

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface EchoParams {
  text: string;
  /** Undefined: the upstream's own default delay. */
  delayMs?: number;
  cpuIters: number;
  /** CPU milliseconds of busy work after the fetch (cpu-work.ts burnCpuMs); 0 when absent. */
  cpuMs: number;
}


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
  const delay = optionalInt(query, 'delay_ms', LIMITS.echo.delay_ms.min, MAX_DELAY_MS);
  if (!delay.ok) return delay;
  const cpu = optionalInt(query, 'cpu_iters', LIMITS.echo.cpu_iters.min, MAX_CPU_ITERS);
  if (!cpu.ok) return cpu;
  const cpuMs = optionalInt(query, 'cpu_ms', LIMITS.echo.cpu_ms.min, MAX_CPU_MS);
  if (!cpuMs.ok) return cpuMs;
  return { ok: true, value: { text: text.value, delayMs: delay.value, cpuIters: cpu.value ?? 0, cpuMs: cpuMs.value ?? 0 } };
}

export function parseOverheadParams(query: Query): Parsed<OverheadParams> {
  const workers = requiredInt(query, 'workers', LIMITS.overhead.workers.min, MAX_WORKERS);
  if (!workers.ok) return workers;
  const tasks = requiredInt(query, 'tasks', LIMITS.overhead.tasks.min, MAX_TASKS);
  if (!tasks.ok) return tasks;
  const sleep = requiredInt(query, 'sleep_ms', LIMITS.overhead.sleep_ms.min, MAX_SLEEP_MS);
  if (!sleep.ok) return sleep;
  const mode = single(query, 'mode');
  if (!mode.ok) return mode;
  const checked = parseOverheadMode(mode.value);
  if (!checked.ok) return checked;
  return { ok: true, value: { workers: workers.value, tasks: tasks.value, sleepMs: sleep.value, mode: checked.value } };
}

/** Absent or empty -> the default ('pool'); one of OVERHEAD_MODES -> itself; anything else -> the 400 reason. */
export function parseOverheadMode(raw: string | undefined): Parsed<OverheadMode> {
  if (raw === undefined || raw === '') return { ok: true, value: DEFAULT_OVERHEAD_MODE };
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
