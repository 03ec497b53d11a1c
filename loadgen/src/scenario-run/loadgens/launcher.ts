import type { RuntimeKind } from '../../runtime/types.js';
import { runLocalGenerators } from './local-generators.js';
import type { GeneratorLauncher, SplitOptions } from './split-run.js';
import { swarmLauncher } from './swarm-generators.js';

// Where K generators run: on a swarm, as the stack's loadgen service tasks (on the loadgen
// nodes); otherwise as K processes on this machine.

export function generatorsFor(kind: RuntimeKind, k: number, env: NodeJS.ProcessEnv = process.env): SplitOptions {
  const launch: GeneratorLauncher = kind === 'swarm' ? swarmLauncher(env) : runLocalGenerators;
  // A task needs a container started (and maybe an image check); a child process, a node start.
  return { k, launch, startMarginMs: kind === 'swarm' ? 15_000 : 2_000 };
}
