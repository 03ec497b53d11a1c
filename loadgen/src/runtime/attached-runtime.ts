import { EXIT, LabError } from '../core/errors.js';
import { discoverServices, selectTargets, upstreamOf } from '../core/manifest/index.js';
import type { LabEvent, LabEventHandler } from './local/events.js';
import type { Endpoint, ServiceLifeEvent, ServiceManifest, Unavailable } from './types.js';

// What the Docker and the swarm runtime share: both attach to rows something else started
// (compose, a stack), keep what they attached by row name, record life events, and on stop()
// only undo the limits they applied. Each subclass knows how to find and reach its units.

/** Options both runtimes take (each adds what its env variables mean). */
export interface AttachOptions {
  /** Rows to use; all discovered manifests when absent. */
  targets?: string[];
  /** Default: LAB_SERVICES_DIR or <repo>/services. */
  servicesDir?: string;
  env?: NodeJS.ProcessEnv;
  /** How long a row that is still starting may take to become healthy. */
  healthTimeoutMs?: number;
  onEvent?: LabEventHandler;
}

export const DEFAULT_HEALTH_TIMEOUT_MS = 60_000;

export interface AttachedRow {
  manifest: ServiceManifest;
  endpoint: Endpoint;
}

export abstract class AttachedRuntime<A extends AttachedRow> {
  readonly unavailable: Unavailable[] = [];
  protected readonly attached = new Map<string, A>();
  protected readonly life: ServiceLifeEvent[] = [];
  upstreamName = 'upstream';

  constructor(
    protected readonly onEvent: LabEventHandler,
    /** "Docker lab", "swarm lab": what a wrong row name is not a service of. */
    private readonly labName: string,
  ) {}

  get upstream(): Endpoint { return this.attached.get(this.upstreamName)!.endpoint; }

  get targets(): Endpoint[] {
    return [...this.attached.values()].filter((a) => a.manifest.role === 'implementation').map((a) => a.endpoint);
  }

  emit(event: LabEvent): void {
    try { this.onEvent(event); } catch { /* a broken listener must not break the lab */ }
  }

  lifeEvents(sinceMs = 0): ServiceLifeEvent[] { return this.life.filter((e) => e.at_ms >= sinceMs); }

  abstract restoreLimits(name: string): Promise<void>;

  async stop(): Promise<void> {
    // The units belong to compose or the stack; only our limits are ours to undo.
    for (const name of this.attached.keys()) {
      try { await this.restoreLimits(name); } catch { /* best effort on the way out */ }
    }
  }

  protected get(name: string): A {
    const a = this.attached.get(name);
    if (!a) throw new LabError(`${name} is not a service of this ${this.labName} (attached: ${[...this.attached.keys()].join(', ')})`, EXIT.badInput);
    return a;
  }
}

/**
 * The rows found: listed as unavailable when missing (with the fix), attached in parallel (a row
 * still starting does not hold up the others); a row asked for by name that is not usable is an
 * error (exit 2).
 */
export async function attachRows<F>(
  runtime: AttachedRuntime<AttachedRow> & { attach(m: ServiceManifest, found: F): Promise<AttachedRow | Unavailable> },
  wanted: ServiceManifest[],
  found: Map<string, F>,
  missing: { name: string; reason: string; hint: string }[],
  explicit: boolean,
): Promise<void> {
  for (const u of missing) {
    runtime.unavailable.push(u);
    runtime.emit({ kind: 'unavailable', service: u.name, message: `${u.reason} (fix: ${u.hint})` });
  }
  const results = await Promise.all(wanted.filter((m) => found.has(m.name)).map((m) => runtime.attach(m, found.get(m.name)!)));
  for (const r of results) if (!('endpoint' in r)) runtime.unavailable.push(r);
  if (explicit && runtime.unavailable.length > 0) {
    throw new LabError(`asked-for target${runtime.unavailable.length === 1 ? '' : 's'} not usable:\n  ${runtime.unavailable.map((u) => `${u.name}: ${u.reason} (fix: ${u.hint})`).join('\n  ')}`, EXIT.badInput);
  }
}

/** The manifests a runtime attaches to: the upstream's, the rows wanted, and whether they were named. */
export function rowsToAttach(servicesDir: string | undefined, targets: string[] | undefined): { upstreamManifest: ServiceManifest; wanted: ServiceManifest[]; explicit: boolean } {
  const manifests = discoverServices(servicesDir);
  return { upstreamManifest: upstreamOf(manifests), wanted: selectTargets(manifests, targets), explicit: targets !== undefined && targets.length > 0 };
}
