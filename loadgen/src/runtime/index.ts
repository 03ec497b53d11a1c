// The one door to a lab: `openRuntime` gives a LabRuntime whichever way the services run.
import type { LabRuntime } from './types.js';
import type { LabEventHandler } from './local/events.js';
import { openLocalRuntime, type LocalRuntimeOptions } from './local/open-local-runtime.js';
import { openDockerRuntime } from './docker/index.js';
import { openSwarmRuntime } from './swarm/index.js';
import { registerStoppable } from './lab-stop.js';
import type { RuntimeKind } from './types.js';

export { RUNTIME_KINDS } from './types.js';
export type { RuntimeKind, LabRuntime, Endpoint, ServiceManifest, ServiceStats, Unavailable, ResourceLimits } from './types.js';
export { formatLabEvent, type LabEvent, type LabEventHandler } from './local/events.js';
export { DEFAULT_UPSTREAM_TIMEOUT_MS, type LocalRuntimeOptions } from './local/open-local-runtime.js';
export { readProcessTreeStats, pidListeningOn } from './local/proc-tree.js';
export { ownStop, stopAll, exitCodeFor, StopRequested, type OwnedStop } from './lab-stop.js';
export { NotRestartable } from './not-restartable.js';

export interface RuntimeOptions extends LocalRuntimeOptions {
  kind: RuntimeKind;
  targets?: string[];
  portOffset?: number;
  logDir?: string;
  onEvent?: LabEventHandler;
}

/** Starts (or attaches to) the upstream and the chosen implementations. Call stop() when done. */
export async function openRuntime(options: RuntimeOptions): Promise<LabRuntime> {
  if (options.kind === 'local') return openLocalRuntime(options); // registers itself before starting anything
  const runtime = options.kind === 'docker' ? await openDockerRuntime(options) : await openSwarmRuntime(options);
  // The containers are compose's or the swarm's: a stop undoes only what the lab changed (limits).
  registerStoppable({ beginStop() {}, stop: () => runtime.stop() });
  return runtime;
}

export { openLocalRuntime };
