// Every service is configured only by environment (DESIGN). A bad value must stop the service
// at start with a message naming the variable, never fall back silently to a default.

export interface ServiceConfig {
  /** HTTP port; 0 lets the OS pick (tests). */
  port: number;
  /** Line-protocol port, when the service has one. */
  linePort?: number;
  bind: string;
  upstreamUrl: string;
  upstreamTimeoutMs: number;
}

export interface ConfigSpec {
  /** Used when PORT is unset (DESIGN's fixed port). */
  defaultPort: number;
  /** Set for implementations: LINE_PORT is then read, with this default. */
  defaultLinePort?: number;
}

export class ConfigError extends Error {}

export const DEFAULT_UPSTREAM_URL = 'http://127.0.0.1:9000';
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 10_000;

export function readServiceConfig(spec: ConfigSpec, env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const problems: string[] = [];
  const port = intVar(env, 'PORT', spec.defaultPort, 0, 65535, problems);
  const linePort =
    spec.defaultLinePort === undefined ? undefined : intVar(env, 'LINE_PORT', spec.defaultLinePort, 0, 65535, problems);
  const upstreamTimeoutMs = intVar(env, 'UPSTREAM_TIMEOUT_MS', DEFAULT_UPSTREAM_TIMEOUT_MS, 1, 600_000, problems);
  const bind = nonEmpty(env.BIND) ?? '127.0.0.1';
  const upstreamUrl = (nonEmpty(env.UPSTREAM_URL) ?? DEFAULT_UPSTREAM_URL).replace(/\/+$/, '');
  try {
    const u = new URL(upstreamUrl);
    if (u.protocol !== 'http:') problems.push(`UPSTREAM_URL must be an http:// URL, got '${upstreamUrl}'`);
  } catch {
    problems.push(`UPSTREAM_URL is not a URL: '${upstreamUrl}'`);
  }
  if (problems.length > 0) throw new ConfigError(problems.join('; '));
  return { port, linePort, bind, upstreamUrl, upstreamTimeoutMs };
}

/** For main(): the config, or a one-line message on stderr and exit code 2. */
export function readServiceConfigOrExit(spec: ConfigSpec, serviceName: string): ServiceConfig {
  try {
    return readServiceConfig(spec);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${serviceName}: bad configuration: ${err.message}\n`);
    process.exit(2);
  }
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** An integer environment variable in [min, max]; problems are collected, not thrown one by one. */
export function intVar(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    problems.push(`${name} must be an integer from ${min} to ${max}, got '${raw}'`);
    return fallback;
  }
  return Number(raw);
}
