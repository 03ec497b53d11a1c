import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ServiceManifest } from '../types.js';
import type { NativeBuildResult } from './rust-build.js';
import { mtimeOrZero } from './source-times.js';

// An Erlang row under the local runtime: `erl` runs local.args (e.g. -noinput -pa ebin -s
// <module> start) in the row folder, on the .beam files erlc compiles from src/*.erl into
// ebin/, with the image recipe's command (scripts/generate/dockerfile-erlang.mjs), whenever a
// source is newer than its .beam. `$LAB_ERL` names another erl; erlc is taken beside it.

export const ERLANG_SOURCES = 'src';
export const ERLANG_BEAMS = 'ebin';

/** erlc's arguments of the image recipe (its ERLC), run in the row folder. */
export function erlcArgs(sources: string[]): string[] {
  return ['-o', ERLANG_BEAMS, ...sources];
}

/** `$LAB_ERL` or `erl` on PATH (Debian's erlang-base). */
export function erlCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.LAB_ERL || 'erl';
}

/** The erlc beside that erl. */
export function erlcCommand(env: NodeJS.ProcessEnv = process.env): string {
  const erl = erlCommand(env);
  return path.isAbsolute(erl) ? path.join(path.dirname(erl), 'erlc') : 'erlc';
}

/** Debian's Erlang/OTP (erlang-base has erl and erlc) and what the row lists (erlang-inets...). */
export function erlangDebianPackages(manifest: ServiceManifest): string[] {
  return [...new Set(['erlang-base', ...(manifest.local.requires?.debianPackages ?? [])])];
}

/** Compiles src/*.erl into ebin/ when a .beam is missing or older than its source. */
export async function ensureErlangBeams(manifest: ServiceManifest, env: NodeJS.ProcessEnv = process.env): Promise<NativeBuildResult> {
  const srcDir = path.join(manifest.dir, ERLANG_SOURCES);
  const sources = readdirSync(srcDir).filter((f) => f.endsWith('.erl')).sort();
  const beamOf = (f: string) => path.join(manifest.dir, ERLANG_BEAMS, f.replace(/\.erl$/, '.beam'));
  const stale = sources.some((f) => mtimeOrZero(beamOf(f)) <= statSync(path.join(srcDir, f)).mtimeMs);
  const ebin = path.join(manifest.dir, ERLANG_BEAMS);
  if (!stale) return { ok: true, binary: ebin, built: false };
  mkdirSync(ebin, { recursive: true });
  const erlc = erlcCommand(env);
  return new Promise((resolve) => {
    execFile(erlc, erlcArgs(sources.map((f) => path.join(ERLANG_SOURCES, f))), { cwd: manifest.dir, env, timeout: 300_000, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      if (!err) return resolve({ ok: true, binary: ebin, built: true });
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      const output = `${stdout}\n${stderr}`.trim().split('\n').slice(-6).join(' | ');
      resolve({ ok: false, toolMissing: missing, packagesMissing: false, reason: missing ? `Erlang compiler '${erlc}' not found` : `erlc in ${manifest.dir} failed: ${output || err.message}` });
    });
  });
}
