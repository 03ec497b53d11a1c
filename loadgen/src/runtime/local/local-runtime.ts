import path from 'node:path';
import { LabError, EXIT } from '../../core/errors.js';
import { portsOf } from '../ports.js';
import type { Endpoint, LabRuntime, ServiceLifeEvent, ServiceManifest, ServiceStats, Unavailable } from '../types.js';
import type { LabEvent, LabEventHandler } from './events.js';
import { isHealthy, waitHealthy } from './health.js';
import { checkAvailability } from './interpreters.js';
import { logTail } from './log-tail.js';
import { pidListeningOn, readProcessTreeStats } from './proc-tree.js';
import { groupMembers, signalGroup, spawnInGroup, stopGroup, type SpawnedService } from './process-group.js';
import { childEnv, commandOf, endpointOf } from './service-command.js';
import { Supervisor, type SupervisorOptions } from './supervisor.js';
import { registerStoppable } from '../lab-stop.js';
import { NotRestartable } from '../not-restartable.js';

// The local runtime: services as process groups on 127.0.0.1 that it starts (or attaches to
// when one already answers), watches, signals, restarts, supervises and stops
// (open-local-runtime.ts opens it; service-command.ts says how each service is started).

/** The local runtime's settings, defaults filled in (open-local-runtime.ts). */
export interface LocalRuntimeSettings {
  offset: number;
  logDir: string;
  env: NodeJS.ProcessEnv;
  onEvent: LabEventHandler;
  upstreamTimeoutMs: number;
  healthTimeoutMs: number;
  stopGraceMs: number;
  supervise?: boolean | SupervisorOptions;
}

type Status = 'running' | 'unavailable' | 'crashed' | 'stopped';

export interface ServiceState {
  manifest: ServiceManifest;
  endpoint: Endpoint;
  status: Status;
  attached: boolean;
  spawned?: SpawnedService;
  logFile: string;
  stopping: boolean;
  unavailable?: Unavailable;
}

export class LocalRuntime implements LabRuntime {
  readonly kind = 'local' as const;
  private readonly states: ServiceState[] = [];
  private upstreamState!: ServiceState;
  private readonly supervisor?: Supervisor;
  private readonly paused = new Set<string>();
  /** Set synchronously when the lab stops (lab-stop.ts): a death is then a stop, and nothing starts. */
  private halting = false;
  private stopping_?: Promise<void>;
  private readonly forget: () => void;

  constructor(private readonly opts: LocalRuntimeSettings) {
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

  private childEnvOf(state: ServiceState): NodeJS.ProcessEnv {
    const upstreamUrl = this.upstreamState && state !== this.upstreamState ? this.upstreamState.endpoint.httpUrl : undefined;
    return childEnv(state.manifest, state.endpoint, { env: this.opts.env, offset: this.opts.offset, upstreamUrl });
  }

  private async launch(state: ServiceState): Promise<void> {
    const { manifest } = state;
    const { command, args, entryPoint } = commandOf(manifest, this.opts.env);
    const availability = await checkAvailability(manifest, entryPoint ?? command, this.opts.env);
    if (!availability.ok) {
      if (!this.halting) this.markUnavailable(state, availability.reason ?? 'unavailable', availability.hint);
      return;
    }
    if (this.halting) return; // the lab is stopping: start nothing more
    this.emit({ kind: 'starting', service: manifest.name, message: `${[command, ...args].join(' ')} (log: ${state.logFile})` });
    const spawned = spawnInGroup(command, args, { cwd: manifest.dir, env: this.childEnvOf(state), logFile: state.logFile });
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
    if (state.attached) throw new NotRestartable(`cannot restart '${name}': the lab attached to it at ${state.endpoint.httpUrl} and did not start it`);
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
