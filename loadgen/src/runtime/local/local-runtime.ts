import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { LabError, EXIT } from '../../core/errors.js';
import { discoverServices, selectTargets, upstreamOf } from '../../core/manifest/index.js';
import { defaultServicesDir, repoRoot } from '../../core/manifest/repo-root.js';
import { portOffset as envPortOffset, portsOf } from '../ports.js';
import type { Endpoint, LabRuntime, ServiceLifeEvent, ServiceManifest, ServiceStats, Unavailable } from '../types.js';
import type { LabEvent, LabEventHandler } from './events.js';
import { isHealthy, waitHealthy } from './health.js';
import { checkAvailability, pythonInterpreter } from './interpreters.js';
import { javaCommand, javaPaths } from './java-build.js';
import { isNative, nativeCommand } from './native-rows.js';
import { logTail } from './log-tail.js';
import { pidListeningOn, readProcessTreeStats } from './proc-tree.js';
import { groupMembers, signalGroup, spawnInGroup, stopGroup, type SpawnedService } from './process-group.js';
import { Supervisor, type SupervisorOptions } from './supervisor.js';
import { registerStoppable } from '../lab-stop.js';

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

type Status = 'running' | 'unavailable' | 'crashed' | 'stopped';

interface ServiceState {
  manifest: ServiceManifest;
  endpoint: Endpoint;
  status: Status;
  attached: boolean;
  spawned?: SpawnedService;
  logFile: string;
  stopping: boolean;
  unavailable?: Unavailable;
}

function utcStamp(): string {
  return new Date().toISOString().replace(/[:]/g, '-').replace(/\.\d+Z$/, 'Z');
}

function endpointOf(manifest: ServiceManifest, offset: number, upstreamTimeoutMs: number | undefined): Endpoint {
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

class LocalRuntime implements LabRuntime {
  readonly kind = 'local' as const;
  private readonly states: ServiceState[] = [];
  private upstreamState!: ServiceState;
  private readonly supervisor?: Supervisor;
  private readonly paused = new Set<string>();
  /** Set synchronously when the lab stops (lab-stop.ts): a death is then a stop, and nothing starts. */
  private halting = false;
  private stopping_?: Promise<void>;
  private readonly forget: () => void;

  constructor(private readonly opts: Required<Pick<LocalRuntimeOptions, 'upstreamTimeoutMs' | 'healthTimeoutMs' | 'stopGraceMs'>> & {
    offset: number; logDir: string; env: NodeJS.ProcessEnv; onEvent: LabEventHandler; supervise?: boolean | SupervisorOptions;
  }) {
    // Known to lab-stop from before its first service starts: a Ctrl-C while starting is a stop too.
    this.forget = registerStoppable(this);
    if (opts.supervise) {
      this.supervisor = new Supervisor((name) => this.relaunch(name), opts.supervise === true ? {} : opts.supervise, (e) => {
        if (e.kind !== 'crashed') this.emit({ kind: e.kind, service: e.service, message: e.message });
      });
    }
  }

  get upstream(): Endpoint { return this.upstreamState.endpoint; }

  get targets(): Endpoint[] {
    return this.states.filter((s) => s !== this.upstreamState && s.status === 'running').map((s) => s.endpoint);
  }

  get unavailable(): Unavailable[] {
    return this.states.filter((s) => s.unavailable).map((s) => s.unavailable!);
  }

  /** Which services the runtime started itself (the rest it attached to). */
  get started(): { name: string; pgid: number }[] {
    return this.states.filter((s) => s.spawned && s.spawned.pgid > 0).map((s) => ({ name: s.manifest.name, pgid: s.spawned!.pgid }));
  }

  logFileOf(name: string): string | undefined {
    return this.states.find((s) => s.manifest.name === name)?.logFile;
  }

  private emit(event: LabEvent): void {
    try { this.opts.onEvent(event); } catch { /* a broken listener must not break the lab */ }
  }

  private markUnavailable(state: ServiceState, reason: string, hint?: string, withLog = false): void {
    state.status = 'unavailable';
    state.unavailable = { name: state.manifest.name, reason, hint };
    this.emit({ kind: 'unavailable', service: state.manifest.name, message: hint ? `${reason} (fix: ${hint})` : reason, logTail: withLog ? logTail(state.logFile) : undefined });
  }

  async add(manifest: ServiceManifest, isUpstream: boolean): Promise<ServiceState> {
    const state: ServiceState = {
      manifest,
      // Attached services keep whatever timeout they were started with: unknown here.
      endpoint: endpointOf(manifest, this.opts.offset, isUpstream ? undefined : this.opts.upstreamTimeoutMs),
      status: 'stopped',
      attached: false,
      logFile: path.join(this.opts.logDir, `${manifest.name}.log`),
      stopping: false,
    };
    this.states.push(state);
    if (isUpstream) this.upstreamState = state;
    if (this.halting) return state;
    if (await isHealthy(state.endpoint.httpUrl)) {
      state.attached = true;
      state.status = 'running';
      state.endpoint = { ...state.endpoint, upstreamTimeoutMs: undefined };
      this.emit({ kind: 'attached', service: manifest.name, message: `already answering at ${state.endpoint.httpUrl}: using it (not started, will not be stopped)` });
      return state;
    }
    await this.launch(state);
    return state;
  }

  private commandOf(manifest: ServiceManifest): { command: string; args: string[]; entryPoint: string | undefined } {
    if (manifest.local.interpreter === 'go') {
      // The binary itself (checkAvailability builds it first); its arguments follow it.
      const binary = path.resolve(manifest.dir, manifest.local.args[0]!);
      return { command: binary, args: manifest.local.args.slice(1), entryPoint: binary };
    }
    if (manifest.local.interpreter === 'java') {
      // `java <local.args>`: the JVM's flags, -cp the code base's classes, the main class, its arguments.
      return { command: javaCommand(this.opts.env), args: manifest.local.args, entryPoint: javaPaths(manifest).classes };
    }
    if (isNative(manifest.local.interpreter)) {
      // A rust binary or erl (checkAvailability builds first); the entry point is the command.
      const native = nativeCommand(manifest.local.interpreter, manifest.local.args, this.opts.env, (p) => path.resolve(manifest.dir, p));
      return { ...native, entryPoint: native.command };
    }
    const command = manifest.local.interpreter === 'node' ? process.execPath : pythonInterpreter(this.opts.env);
    const first = manifest.local.args[0]!;
    const entryPoint = first.startsWith('-') ? undefined : path.resolve(manifest.dir, first);
    return { command, args: manifest.local.args, entryPoint };
  }

  private childEnv(state: ServiceState): NodeJS.ProcessEnv {
    const { manifest, endpoint } = state;
    const ports = portsOf(manifest, this.opts.offset);
    const env: NodeJS.ProcessEnv = { ...this.opts.env, ...(manifest.local.env ?? {}) };
    const pythonPath = (manifest.local.pythonPath ?? []).map((p) => path.resolve(manifest.dir, p));
    if (pythonPath.length > 0) env.PYTHONPATH = [...pythonPath, ...(env.PYTHONPATH ? [env.PYTHONPATH] : [])].join(path.delimiter);
    env.PYTHONUNBUFFERED = '1'; // logs must be readable when a row dies
    env.PORT = String(ports.http);
    if (ports.line !== undefined) env.LINE_PORT = String(ports.line);
    else delete env.LINE_PORT;
    env.BIND = '127.0.0.1';
    if (this.upstreamState && state !== this.upstreamState) env.UPSTREAM_URL = this.upstreamState.endpoint.httpUrl;
    if (endpoint.upstreamTimeoutMs !== undefined) env.UPSTREAM_TIMEOUT_MS = String(endpoint.upstreamTimeoutMs);
    return env;
  }

  private async launch(state: ServiceState): Promise<void> {
    const { manifest } = state;
    const { command, args, entryPoint } = this.commandOf(manifest);
    const availability = await checkAvailability(manifest, entryPoint ?? command, this.opts.env);
    if (!availability.ok) {
      if (!this.halting) this.markUnavailable(state, availability.reason ?? 'unavailable', availability.hint);
      return;
    }
    if (this.halting) return; // the lab is stopping: start nothing more
    this.emit({ kind: 'starting', service: manifest.name, message: `${[command, ...args].join(' ')} (log: ${state.logFile})` });
    const spawned = spawnInGroup(command, args, { cwd: manifest.dir, env: this.childEnv(state), logFile: state.logFile });
    state.spawned = spawned;
    state.stopping = false;
    let exitInfo: string | undefined;
    spawned.child.once('error', (err) => { exitInfo ??= `could not start: ${err.message}`; });
    spawned.child.once('exit', (code, signal) => {
      exitInfo ??= signal ? `killed by ${signal}` : `exited with code ${code}`;
      if (state.status === 'running' && (state.stopping || this.halting)) state.status = 'stopped';
      if (state.status === 'running' && !state.stopping) {
        state.status = 'crashed';
        state.unavailable = { name: manifest.name, reason: `crashed (${exitInfo})` };
        this.emit({ kind: 'crashed', service: manifest.name, message: `crashed (${exitInfo})`, logTail: logTail(state.logFile) });
        this.supervisor?.died(manifest.name, `crashed (${exitInfo})`);
      }
    });
    const outcome = await waitHealthy(state.endpoint.httpUrl, { timeoutMs: this.opts.healthTimeoutMs, exited: () => exitInfo !== undefined || this.halting });
    if (this.halting) {
      // Stopped while starting: stop() (or this) ends the group; nothing crashed.
      state.stopping = true;
      await stopGroup(spawned, this.opts.stopGraceMs);
      state.status = 'stopped';
      return;
    }
    if (outcome === 'healthy') {
      state.status = 'running';
      state.unavailable = undefined;
      this.emit({ kind: 'healthy', service: manifest.name, message: `healthy at ${state.endpoint.httpUrl}` });
      this.supervisor?.healthy(manifest.name);
      return;
    }
    const reason = outcome === 'exited'
      ? `${exitInfo} before answering ${state.endpoint.httpUrl}/healthz`
      : `no 200 from ${state.endpoint.httpUrl}/healthz within ${this.opts.healthTimeoutMs / 1000} s`;
    state.stopping = true;
    await stopGroup(spawned, 2_000);
    this.markUnavailable(state, reason, undefined, true);
  }

  noiseParts(): { name: string; pgids: number[] }[] {
    return this.started.map((s) => ({ name: s.name, pgids: [s.pgid] }));
  }

  async stats(name: string): Promise<ServiceStats | undefined> {
    const state = this.states.find((s) => s.manifest.name === name);
    if (!state || state.status !== 'running') return undefined;
    const pid = state.spawned?.pgid ?? await pidListeningOn(portsOf(state.manifest, this.opts.offset).http);
    return pid === undefined || pid <= 0 ? undefined : readProcessTreeStats(pid);
  }

  async restart(name: string): Promise<void> {
    const state = this.states.find((s) => s.manifest.name === name);
    if (!state) throw new LabError(`cannot restart '${name}': not part of this lab`, EXIT.badInput);
    if (state.attached) throw new LabError(`cannot restart '${name}': the lab attached to it at ${state.endpoint.httpUrl} and did not start it`, EXIT.badInput);
    if (state.spawned) {
      state.stopping = true;
      this.emit({ kind: 'stopping', service: name, message: 'restarting' });
      await stopGroup(state.spawned, this.opts.stopGraceMs);
    }
    state.status = 'stopped';
    await this.launch(state);
    if ((state.status as Status) !== 'running') { // launch() changed it
      throw new LabError(`restart of '${name}' failed: ${state.unavailable?.reason ?? 'unknown'}\n${logTail(state.logFile)}`, EXIT.badInput);
    }
  }

  /** The supervisor's relaunch: what is left of the dead group goes (forked children), then a fresh start. */
  private async relaunch(name: string): Promise<boolean> {
    const state = this.states.find((s) => s.manifest.name === name);
    if (!state || state.attached) return false;
    if (state.spawned) {
      state.stopping = true;
      await stopGroup(state.spawned, 1_000);
    }
    state.status = 'stopped';
    await this.launch(state);
    return (state.status as Status) === 'running';
  }

  /** kill / pause / resume: a signal to the whole group of a service this runtime started. */
  private async signal(name: string, verb: string, signal: NodeJS.Signals): Promise<void> {
    const state = this.states.find((s) => s.manifest.name === name);
    const pgid = state && !state.attached ? state.spawned?.pgid ?? -1 : -1;
    if (pgid <= 0) throw new LabError(`cannot ${verb} '${name}': ${state ? `the lab did not start it (attached at ${state.endpoint.httpUrl})` : 'not part of this lab'}`, EXIT.badInput);
    if (signal !== 'SIGSTOP' && this.paused.delete(name)) signalGroup(pgid, 'SIGCONT');
    if (!signalGroup(pgid, signal)) throw new LabError(`cannot ${verb} '${name}': its process group ${pgid} is gone`, EXIT.badInput);
    if (signal === 'SIGSTOP') this.paused.add(name);
  }

  // Not `stopping`: to the exit handler a kill is a crash, which is what supervision answers.
  kill(name: string): Promise<void> { return this.signal(name, 'kill', 'SIGKILL'); }
  pause(name: string): Promise<void> { return this.signal(name, 'pause', 'SIGSTOP'); }
  resume(name: string): Promise<void> { return this.signal(name, 'resume', 'SIGCONT'); }

  lifeEvents(sinceMs?: number): ServiceLifeEvent[] {
    return this.supervisor?.events(sinceMs) ?? [];
  }

  /** lab-stop.ts calls this synchronously on SIGINT/SIGTERM, before any service can die of the stop. */
  beginStop(): void {
    this.halting = true;
    this.supervisor?.halt();
    for (const s of this.states) s.stopping = true;
  }

  /** Stops every service this runtime started; a second call waits for the same stop. */
  stop(): Promise<void> {
    this.stopping_ ??= this.stopAllServices();
    return this.stopping_;
  }

  private async stopAllServices(): Promise<void> {
    this.beginStop();
    await this.supervisor?.stop();
    // A frozen group would not see its SIGTERM.
    for (const name of [...this.paused]) await this.resume(name).catch(() => {});
    const mine = this.states.filter((s) => s.spawned && !s.attached);
    // Implementations first: stopping the upstream under them would turn their last
    // in-flight requests into 502s in the logs.
    const stopOne = async (s: ServiceState) => {
      if (!s.spawned) return;
      s.stopping = true;
      const exited = s.spawned.child.exitCode !== null || s.spawned.child.signalCode !== null;
      if (exited && (await groupMembers(s.spawned.pgid)).length === 0) return; // died at start: nothing to stop
      this.emit({ kind: 'stopping', service: s.manifest.name, message: 'SIGTERM to its process group' });
      const { forced } = await stopGroup(s.spawned, this.opts.stopGraceMs);
      s.status = 'stopped';
      this.emit({ kind: 'stopped', service: s.manifest.name, message: forced ? 'did not exit in time: SIGKILLed' : 'stopped' });
    };
    await Promise.all(mine.filter((s) => s !== this.upstreamState).map(stopOne));
    if (mine.includes(this.upstreamState)) await stopOne(this.upstreamState);
    this.forget();
  }
}

export type { LocalRuntime };

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
