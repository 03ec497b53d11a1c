import type { ParseArgsConfig } from 'node:util';

/** One `lab` verb. Each lives in its own file under cli/commands and is listed in commands/index.ts. */
export interface Command {
  name: string;
  /** One line for `lab --help`. */
  summary: string;
  /** Usage text shown by `lab <verb> --help` and after a flag error. */
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Whether positional arguments are accepted. */
  allowPositionals?: boolean;
  run(values: CommandValues, positionals: string[]): Promise<number>;
}

export type CommandValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** A string flag's value, or undefined. */
export function stringFlag(values: CommandValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** `--targets a,b` as a list, or undefined for all. */
export function listFlag(values: CommandValues, name: string): string[] | undefined {
  const v = stringFlag(values, name);
  if (v === undefined) return undefined;
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}
