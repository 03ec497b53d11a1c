import { execFile } from 'node:child_process';
import path from 'node:path';
import type { ServiceManifest } from '../types.js';
import { mtimeOrZero, newestSource } from './source-times.js';

// A Rust row under the local runtime: local.args[0] is the binary the image recipe builds
// (scripts/generate/dockerfile-rust.mjs), cargo's own output path target/release/<bin>. It is
// built here with the same command (`cargo build --offline --release` in the row folder, whose
// .cargo/config.toml replaces crates.io with Debian's /usr/share/cargo/registry: nothing is
// downloaded) when it is missing or a source is newer. Debian's cargo and rustc, never a
// rustup toolchain that may come first on PATH: rust-build.test.ts keeps this equal to the recipe.

/** `cargo` arguments of the image recipe (its RUST_BUILD), run in the row folder. */
export const CARGO_BUILD_ARGS: readonly string[] = ['build', '--offline', '--release'];

/** `$LAB_CARGO` or Debian's /usr/bin/cargo. */
export function cargoCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.LAB_CARGO || '/usr/bin/cargo';
}

/** The rustc beside that cargo (`$LAB_RUSTC` wins): cargo would otherwise take the first on PATH. */
export function rustcCommand(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LAB_RUSTC) return env.LAB_RUSTC;
  const cargo = cargoCommand(env);
  return path.isAbsolute(cargo) ? path.join(path.dirname(cargo), 'rustc') : 'rustc';
}

/** The environment cargo runs in: that rustc (and its rustdoc, for `cargo test`'s doc tests), and the row's own target/ (where local.args[0] points). */
export function cargoEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const rustc = rustcCommand(env);
  const out: NodeJS.ProcessEnv = { ...env, RUSTC: rustc, RUSTDOC: env.RUSTDOC || path.join(path.dirname(rustc), 'rustdoc') };
  delete out.CARGO_TARGET_DIR;
  return out;
}

/** Debian's cargo and rustc and the row's crates (librust-*-dev): what `apt-get install` needs. */
export function rustDebianPackages(manifest: ServiceManifest): string[] {
  return [...new Set(['cargo', 'rustc', ...(manifest.local.requires?.debianPackages ?? [])])];
}

export type NativeBuildResult =
  | { ok: true; binary: string; built: boolean }
  | { ok: false; reason: string; toolMissing: boolean; packagesMissing: boolean };

/** Builds the crate of a rust row when local.args[0] (or `binaryArg`) is missing or older than a source. */
export async function ensureRustBinary(manifest: ServiceManifest, env: NodeJS.ProcessEnv = process.env, binaryArg = manifest.local.args[0]!): Promise<NativeBuildResult> {
  const binary = path.resolve(manifest.dir, binaryArg);
  if (mtimeOrZero(binary) > newestSource(manifest.dir, (name) => /\.rs$|^Cargo\.(toml|lock)$/.test(name), ['target'])) return { ok: true, binary, built: false };
  const cargo = cargoCommand(env);
  const childEnv = cargoEnv(env);
  return new Promise((resolve) => {
    execFile(cargo, [...CARGO_BUILD_ARGS], { cwd: manifest.dir, env: childEnv, timeout: 900_000, maxBuffer: 8 << 20 }, (err, _stdout, stderr) => {
      if (!err) return resolve({ ok: true, binary, built: true });
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      const output = String(stderr).trim().split('\n').filter((l) => !/^\s*(Compiling|Finished)/.test(l)).slice(-6).join(' | ');
      resolve({
        ok: false,
        toolMissing: missing || /could not execute process `.*rustc/.test(output),
        // A crate Debian did not install: cargo's offline resolver names it.
        packagesMissing: /no matching package named|failed to select a version|failed to load source/.test(output),
        reason: missing ? `cargo '${cargo}' not found` : `cargo build in ${manifest.dir} failed: ${output || err.message}`,
      });
    });
  });
}
