import type { Command } from '../command.js';

// Each verb registers itself here, one line each.
export const commands: Command[] = [];
