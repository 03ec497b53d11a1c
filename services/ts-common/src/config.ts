// Every service is configured only by environment. A bad or missing value must stop the service
// at start with a message naming the variable, never fall back silently to a default. Ports and
// the upstream have no defaults: the lab sets PORT, LINE_PORT and UPSTREAM_URL from the manifests
// (services/<row>/service.json), the one place ports are written.

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
  /** implementation: LINE_PORT and UPSTREAM_URL are required too; upstream: PORT only. */
  role: 'implementation' | 'upstream';
}

export class ConfigError extends Error {}

const NOT_SET = ' is not set (the lab sets it from services/<row>/service.json; set it to run the service by hand)';
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 10_000;

export function readServiceConfig(spec: ConfigSpec, env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const problems: string[] = [];
  const impl = spec.role === 'implementation';
  const required = (name: string): number => {
    if (nonEmpty(env[name]) === undefined) problems.push(name + NOT_SET);
    return intVar(env, name, 0, 0, 65535, problems);
  };
  const port = required('PORT');
  const linePort = impl ? required('LINE_PORT') : undefined;
  const upstreamTimeoutMs = intVar(env, 'UPSTREAM_TIMEOUT_MS', DEFAULT_UPSTREAM_TIMEOUT_MS, 1, 600_000, problems);
  const bind = nonEmpty(env.BIND) ?? '127.0.0.1';
  const upstreamUrl = (nonEmpty(env.UPSTREAM_URL) ?? '').replace(/\/+$/, '');
  if (upstreamUrl === '') {
    if (impl) problems.push('UPSTREAM_URL' + NOT_SET);
  } else {
    try {
      const u = new URL(upstreamUrl);
      if (u.protocol !== 'http:') problems.push(`UPSTREAM_URL must be an http:// URL, got '${upstreamUrl}'`);
    } catch {
      problems.push(`UPSTREAM_URL is not a URL: '${upstreamUrl}'`);
    }
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
