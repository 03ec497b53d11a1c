import type { ServiceManifest } from '../types.js';
import { erlCommand, erlangDebianPackages, ensureErlangBeams } from './erlang-build.js';
import { aptHint } from './apt-hint.js';
import { ensureRustBinary, rustDebianPackages, type NativeBuildResult } from './rust-build.js';

// The compiled rows beside Go (rust: cargo from Debian's crates; erlang: erlc), for the local
// runtime and the witness: how each is built before it runs, what runs, and the apt-get line
// when its toolchain or libraries are missing. One place, so a new compiled language is a case here.

export type NativeInterpreter = 'rust' | 'erlang';

export const isNative = (interpreter: string): interpreter is NativeInterpreter => interpreter === 'rust' || interpreter === 'erlang';

/** Builds what `args` run (rust: args[0] is the binary; erlang: the row's ebin/). */
export function ensureNativeBuild(manifest: ServiceManifest, interpreter: NativeInterpreter, args: string[], env: NodeJS.ProcessEnv): Promise<NativeBuildResult> {
  return interpreter === 'rust' ? ensureRustBinary(manifest, env, args[0]) : ensureErlangBeams(manifest, env);
}

/** The process to start: the rust binary with its arguments, or erl with the manifest's. */
export function nativeCommand(interpreter: NativeInterpreter, args: string[], env: NodeJS.ProcessEnv, resolve: (p: string) => string): { command: string; args: string[] } {
  if (interpreter === 'rust') return { command: resolve(args[0]!), args: args.slice(1) };
  return { command: erlCommand(env), args };
}

/** "" when built; otherwise the reason and, when a package is missing, the apt-get line. */
export async function prepareNative(manifest: ServiceManifest, interpreter: NativeInterpreter, args: string[], env: NodeJS.ProcessEnv): Promise<{ ok: boolean; reason?: string; hint?: string }> {
  const build = await ensureNativeBuild(manifest, interpreter, args, env);
  if (build.ok) return { ok: true };
  const packages = interpreter === 'rust' ? rustDebianPackages(manifest) : erlangDebianPackages(manifest);
  return { ok: false, reason: build.reason, hint: build.toolMissing || build.packagesMissing ? aptHint(packages) : undefined };
}
