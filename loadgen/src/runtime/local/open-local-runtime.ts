import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { LabError, EXIT } from '../../core/errors.js';
import { discoverServices, selectTargets, upstreamOf } from '../../core/manifest/index.js';
import { defaultServicesDir, repoRoot } from '../../core/manifest/repo-root.js';
import { portOffset as envPortOffset } from '../ports.js';
import type { LabRuntime } from '../types.js';
import type { LabEventHandler } from './events.js';
import { LocalRuntime } from './local-runtime.js';
import { logTail } from './log-tail.js';
import type { SupervisorOptions } from './supervisor.js';

// Opening the local runtime: the options and their defaults, the manifests read, then the
// upstream started (or attached to) first and the chosen rows after it.

export interface LocalRuntimeOptions {
  /** Implementations to run; all discovered ones when absent. */
  targets?: string[];
  /** Added to every manifest port; LAB_PORT_OFFSET when absent. */
  portOffset?: number;
  /** One `<name>.log` per started service; default .lab/runs/<UTC time>/logs under the repo. */
  logDir?: string;
  onEvent?: LabEventHandler;
  /** Default: LAB_SERVICES_DIR or <repo>/services. */
  servicesDir?: string;
  /** Environment the services inherit (and LAB_PYTHON is read from); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** UPSTREAM_TIMEOUT_MS given to every implementation the runtime starts. */
  upstreamTimeoutMs?: number;
  /** How long a service may take to answer /healthz after it is started. */
  healthTimeoutMs?: number;
  /** SIGTERM-to-SIGKILL grace when stopping. */
  stopGraceMs?: number;
  /**
   * Relaunch a service the runtime started when it dies on its own, with backoff (supervisor.ts);
   * `lab up` and `lab run` turn it on. Off by default, so that a library caller sees a death.
   */
  supervise?: boolean | SupervisorOptions;
}

/** Local default: short enough that `lab verify` can prove the 504 path in seconds. */
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 3000;

function utcStamp(): string {
  return new Date().toISOString().replace(/[:]/g, '-').replace(/\.\d+Z$/, 'Z');
}

export async function openLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LabRuntime & {
  readonly started: { name: string; pgid: number }[];
  logFileOf(name: string): string | undefined;
}> {
  const env = options.env ?? process.env;
  const servicesDir = options.servicesDir ?? defaultServicesDir(env);
  const manifests = discoverServices(servicesDir);
  const upstreamManifest = upstreamOf(manifests);
  const chosen = selectTargets(manifests, options.targets);
  let offset: number;
  try {
    offset = options.portOffset ?? envPortOffset(env);
  } catch (err) {
    throw new LabError((err as Error).message, EXIT.badInput);
  }
  const logDir = options.logDir ?? path.join(repoRoot(), '.lab', 'runs', utcStamp(), 'logs');
  mkdirSync(logDir, { recursive: true });
  const runtime = new LocalRuntime({
    offset,
    logDir,
    env,
    onEvent: options.onEvent ?? (() => {}),
    upstreamTimeoutMs: options.upstreamTimeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS,
    healthTimeoutMs: options.healthTimeoutMs ?? 20_000,
    stopGraceMs: options.stopGraceMs ?? 10_000,
    supervise: options.supervise,
  });
  try {
    const upstream = await runtime.add(upstreamManifest, true);
    if (upstream.status !== 'running') {
      const u = upstream.unavailable;
      throw new LabError(
        `the upstream did not start: ${u?.reason ?? 'unknown'}${u?.hint ? `\n  fix: ${u.hint}` : ''}\n--- ${upstream.logFile} (last lines) ---\n${logTail(upstream.logFile)}`,
        EXIT.badInput,
      );
    }
    await Promise.all(chosen.map((m) => runtime.add(m, false)));
  } catch (err) {
    await runtime.stop();
    throw err;
  }
  return runtime;
}
