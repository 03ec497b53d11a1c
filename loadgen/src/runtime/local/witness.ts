import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { OverheadWitness } from '../../core/manifest/types.js';
import type { ServiceManifest } from '../types.js';
import { ensureGoBinary, goDebianPackages } from './go-build.js';
import { ensureJavaClasses, javaCommand } from './java-build.js';
import { aptHint, pythonInterpreter } from './interpreters.js';
import { isNative, nativeCommand, prepareNative } from './native-rows.js';

// A row's standalone overhead witness (manifest overheadWitness): its /overhead method run
// outside any server, in the row's environment (cwd the row folder; python: PYTHONPATH = the
// row folder + local.pythonPath, as the row's own process finds its modules). The bench
// overhead-fidelity and the witness test both start it from here, so both run the command
// the manifest declares.

export interface WitnessRun {
  mode: string;
  workers: number;
  tasks: number;
  sleepMs: number;
  warmup?: boolean;
}

/** What a witness prints: GET /overhead's JSON plus where it was measured. */
export interface WitnessAnswer {
  workers: number;
  tasks: number;
  sleep_ms: number;
  mode: string;
  elapsed_s: number;
  ideal_s: number;
  overhead: number | null;
  where?: string;
}

export interface WitnessCommand {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** The implementations with a witness and those without one (listed, never dropped). */
export function witnessesOf(manifests: ServiceManifest[]): { withWitness: (ServiceManifest & { overheadWitness: OverheadWitness })[]; without: string[] } {
  const impls = manifests.filter((m) => m.role === 'implementation');
  return {
    withWitness: impls.filter((m): m is ServiceManifest & { overheadWitness: OverheadWitness } => m.overheadWitness !== undefined),
    without: impls.filter((m) => m.overheadWitness === undefined).map((m) => m.name),
  };
}

/** The witness's command line for one run (`--mode ... --workers ... --tasks ... --sleep-ms ...`). */
export function witnessCommand(manifest: ServiceManifest, witness: OverheadWitness, run: WitnessRun, env: NodeJS.ProcessEnv = process.env): WitnessCommand {
  const runArgs = ['--mode', run.mode, '--workers', String(run.workers), '--tasks', String(run.tasks), '--sleep-ms', String(run.sleepMs), ...(run.warmup ? ['--warmup'] : [])];
  const childEnv: NodeJS.ProcessEnv = { ...env, ...manifest.local.env };
  // java: the manifest's JVM arguments (-cp the code base's classes, lab.Witness, the kind) as they are.
  if (witness.interpreter === 'java') return { command: javaCommand(env), args: [...witness.args, ...runArgs], cwd: manifest.dir, env: childEnv };
  const [first, ...rest] = witness.args;
  const entry = path.resolve(manifest.dir, first!);
  if (witness.interpreter === 'python') {
    const folders = [manifest.dir, ...(manifest.local.pythonPath ?? []).map((p) => path.resolve(manifest.dir, p))];
    childEnv.PYTHONPATH = [...folders, ...(env.PYTHONPATH ? [env.PYTHONPATH] : [])].join(path.delimiter);
    return { command: pythonInterpreter(env), args: [entry, ...rest, ...runArgs], cwd: manifest.dir, env: childEnv };
  }
  if (witness.interpreter === 'node') return { command: process.execPath, args: [entry, ...rest, ...runArgs], cwd: manifest.dir, env: childEnv };
  if (isNative(witness.interpreter)) {
    const native = nativeCommand(witness.interpreter, witness.args, env, (p) => path.resolve(manifest.dir, p));
    return { ...native, args: [...native.args, ...runArgs], cwd: manifest.dir, env: childEnv };
  }
  return { command: entry, args: [...rest, ...runArgs], cwd: manifest.dir, env: childEnv };
}

/**
 * Makes the witness runnable: a go witness's binary is built like the row's own (same command,
 * GOPATH mode) from its package; "" when ready, otherwise the reason with the fix.
 */
export async function prepareWitness(manifest: ServiceManifest, witness: OverheadWitness, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (witness.interpreter === 'java') {
    // The row's own code base, compiled as for the row (a JDK 21 needed).
    const build = await ensureJavaClasses({ ...manifest, image: { recipe: 'java', package: witness.package ?? manifest.image?.package } }, env);
    return build.ok ? '' : `${manifest.name}'s witness: ${build.reason}${build.hint ? `; install: ${build.hint}` : ''}`;
  }
  if (isNative(witness.interpreter)) {
    const ready = await prepareNative(manifest, witness.interpreter, witness.args, env);
    return ready.ok ? '' : `${manifest.name}'s witness: ${ready.reason}${ready.hint ? `; install: ${ready.hint}` : ''}`;
  }
  if (witness.interpreter !== 'go') {
    const entry = path.resolve(manifest.dir, witness.args[0]!);
    if (existsSync(entry)) return '';
    return `${manifest.name}'s witness ${entry} is missing${witness.interpreter === 'node' ? ' (the TypeScript is not compiled: npm run build)' : ''}`;
  }
  const asRow: ServiceManifest = { ...manifest, local: { ...manifest.local, args: witness.args }, image: { recipe: 'go', package: witness.package ?? '.' } };
  const build = await ensureGoBinary(asRow, env);
  if (build.ok) return '';
  const hint = build.goMissing || /cannot find package/.test(build.reason) ? `; install: ${aptHint(goDebianPackages(manifest))}` : '';
  return `${manifest.name}'s witness: ${build.reason}${hint}`;
}

/** Runs the witness once (killed after timeoutMs) and returns its answer; rejects with its output. */
export function runWitness(manifest: ServiceManifest, witness: OverheadWitness, run: WitnessRun, timeoutMs: number): Promise<WitnessAnswer> {
  const { command, args, cwd, env } = witnessCommand(manifest, witness, run);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${manifest.name}'s witness: cannot start ${command}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      try {
        if (code !== 0) throw new Error(signal ? `killed by ${signal}` : `exit ${code}`);
        resolve(JSON.parse(out) as WitnessAnswer);
      } catch (e) {
        reject(new Error(`${manifest.name}'s witness (${[command, ...args].join(' ')}) failed (${(e as Error).message}): ${out.slice(0, 200)} ${err.slice(-300)}`));
      }
    });
  });
}
