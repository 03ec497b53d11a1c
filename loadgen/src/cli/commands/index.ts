import type { Command } from '../command.js';
import { prometheusConfigCommand } from './prometheus-config.js';
import { upCommand } from './up.js';
import { verifyCommand } from './verify.js';
import { runCommand } from './run.js';
import { reportCommand } from './report.js';
import { compareCommand } from './compare.js';

// Each verb registers itself here, one line each.
export const commands: Command[] = [
  prometheusConfigCommand,
  upCommand,
  verifyCommand,
  runCommand,
  reportCommand,
  compareCommand,
];
