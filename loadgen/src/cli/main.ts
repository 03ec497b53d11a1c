import { parseArgs } from 'node:util';
import { commands } from './commands/index.js';
import { EXIT, LabError } from '../core/errors.js';

function topHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'lab: Concurrency Lab, threads vs event loop, measured.',
    '',
    'Usage: lab <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `lab <command> --help` for its options.',
    'Exit codes: 0 ok, 1 a threshold failed, 2 bad input, 3 a target failed verify.',
  ].join('\n');
}

/** The one entry point that prints `Error:` and decides the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (!verb || verb === '--help' || verb === '-h' || verb === 'help') {
    console.log(topHelp());
    return verb ? EXIT.ok : EXIT.badInput;
  }
  const command = commands.find((c) => c.name === verb);
  if (!command) {
    console.error(`Error: unknown command '${verb}'.\n\n${topHelp()}`);
    return EXIT.badInput;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage);
    return EXIT.ok;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: command.options, allowPositionals: command.allowPositionals ?? false, strict: true });
  } catch (err) {
    console.error(`Error: ${(err as Error).message}\n\n${command.usage}`);
    return EXIT.badInput;
  }
  try {
    return await command.run(parsed.values, parsed.positionals);
  } catch (err) {
    if (err instanceof LabError) {
      console.error(`Error: ${err.message}`);
      return err.exitCode;
    }
    throw err;
  }
}
