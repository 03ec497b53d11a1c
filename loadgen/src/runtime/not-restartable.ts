import { EXIT, LabError } from '../core/errors.js';

/**
 * A restart the lab may not do: the service runs, but something else started it (the local lab
 * attached to a process already on the row's port). Told apart from a restart that failed, after
 * which the service may be down: a `fresh_process` run measures the first as it is and stops
 * measuring the second.
 */
export class NotRestartable extends LabError {
  constructor(message: string) {
    super(message, EXIT.badInput);
    this.name = 'NotRestartable';
  }
}
