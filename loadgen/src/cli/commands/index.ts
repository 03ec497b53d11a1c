import type { Command } from '../command.js';
import { prometheusConfigCommand } from './prometheus-config.js';

// Each verb registers itself here, one line each.
export const commands: Command[] = [
  prometheusConfigCommand,
];
