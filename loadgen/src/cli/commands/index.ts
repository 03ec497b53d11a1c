import type { Command } from '../command.js';
import { prometheusConfigCommand } from './prometheus-config.js';
import { upCommand } from './up.js';
import { verifyCommand } from './verify.js';

// Each verb registers itself here, one line each.
export const commands: Command[] = [
  prometheusConfigCommand,
  upCommand,
  verifyCommand,
];
