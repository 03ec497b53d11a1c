import path from 'node:path';
import { portsOf } from '../ports.js';
import type { Endpoint, ServiceManifest } from '../types.js';
import { pythonInterpreter } from './interpreters.js';
import { javaCommand, javaPaths } from './java-build.js';
import { isNative, nativeCommand } from './native-rows.js';

// How the local runtime starts one service: where it answers (its endpoint on 127.0.0.1), the
// command that runs it, and the environment it gets. Nothing here starts or watches a process.

export function endpointOf(manifest: ServiceManifest, offset: number, upstreamTimeoutMs: number | undefined): Endpoint {
  const ports = portsOf(manifest, offset);
  const httpUrl = `http://127.0.0.1:${ports.http}`;
  return {
    name: manifest.name,
    manifest,
    httpUrl,
    line: ports.line === undefined ? undefined : { host: '127.0.0.1', port: ports.line },
    metricsUrl: `${httpUrl}/metrics`,
    upstreamTimeoutMs,
  };
}

/** The command line of a service, and the file that must exist before it runs (checkAvailability), if any. */
export function commandOf(manifest: ServiceManifest, env: NodeJS.ProcessEnv): { command: string; args: string[]; entryPoint: string | undefined } {
  if (manifest.local.interpreter === 'go') {
    // The binary itself (checkAvailability builds it first); its arguments follow it.
    const binary = path.resolve(manifest.dir, manifest.local.args[0]!);
    return { command: binary, args: manifest.local.args.slice(1), entryPoint: binary };
  }
  if (manifest.local.interpreter === 'java') {
    // `java <local.args>`: the JVM's flags, -cp the code base's classes, the main class, its arguments.
    return { command: javaCommand(env), args: manifest.local.args, entryPoint: javaPaths(manifest).classes };
  }
  if (isNative(manifest.local.interpreter)) {
    // A rust binary or erl (checkAvailability builds first); the entry point is the command.
    const native = nativeCommand(manifest.local.interpreter, manifest.local.args, env, (p) => path.resolve(manifest.dir, p));
    return { ...native, entryPoint: native.command };
  }
  const command = manifest.local.interpreter === 'node' ? process.execPath : pythonInterpreter(env);
  const first = manifest.local.args[0]!;
  const entryPoint = first.startsWith('-') ? undefined : path.resolve(manifest.dir, first);
  return { command, args: manifest.local.args, entryPoint };
}

/**
 * The environment of a started service: the lab's own, the manifest's `local.env`, its
 * PYTHONPATH, its ports bound to 127.0.0.1, and (for a row) the upstream's URL and timeout.
 */
export function childEnv(
  manifest: ServiceManifest,
  endpoint: Endpoint,
  opts: { env: NodeJS.ProcessEnv; offset: number; upstreamUrl: string | undefined },
): NodeJS.ProcessEnv {
  const ports = portsOf(manifest, opts.offset);
  const env: NodeJS.ProcessEnv = { ...opts.env, ...(manifest.local.env ?? {}) };
  const pythonPath = (manifest.local.pythonPath ?? []).map((p) => path.resolve(manifest.dir, p));
  if (pythonPath.length > 0) env.PYTHONPATH = [...pythonPath, ...(env.PYTHONPATH ? [env.PYTHONPATH] : [])].join(path.delimiter);
  env.PYTHONUNBUFFERED = '1'; // logs must be readable when a row dies
  env.PORT = String(ports.http);
  if (ports.line !== undefined) env.LINE_PORT = String(ports.line);
  else delete env.LINE_PORT;
  env.BIND = '127.0.0.1';
  if (opts.upstreamUrl !== undefined) env.UPSTREAM_URL = opts.upstreamUrl;
  if (endpoint.upstreamTimeoutMs !== undefined) env.UPSTREAM_TIMEOUT_MS = String(endpoint.upstreamTimeoutMs);
  return env;
}
