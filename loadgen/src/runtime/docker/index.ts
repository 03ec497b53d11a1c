// Placeholder until the Docker engineer lands the real runtime in this folder.
import { LabError, EXIT } from '../../cli/errors.js';
import type { LabRuntime } from '../types.js';

export async function openDockerRuntime(_options: unknown): Promise<LabRuntime> {
  throw new LabError('docker runtime not implemented yet', EXIT.badInput);
}
