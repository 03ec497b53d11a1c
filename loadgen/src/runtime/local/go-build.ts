import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../core/manifest/repo-root.js';
import { labStopSignal } from '../lab-stop.js';
import type { ServiceManifest } from '../types.js';
import { mtimeOrZero, newestSource } from './source-times.js';

// A Go row under the local runtime: local.args[0] is the binary the image recipe builds
// (scripts/generate/dockerfile-go.mjs). It is built here with the same command and environment
// (GOPATH mode against Debian's /usr/share/gocode, no downloads) when it is missing or a .go
// file of the row is newer, then run like any other process. go-build.test.ts keeps the
// command equal to the recipe's.

/** The build environment of the image recipe (its GO_ENV). */
export const GO_BUILD_ENV: Readonly<Record<string, string>> = { GO111MODULE: 'off', GOPATH: '/usr/share/gocode', GOPROXY: 'off', CGO_ENABLED: '0' };

/** `go build` arguments of the image recipe (its goBuild), run in the package folder. */
export function goBuildArgs(output: string): string[] {
  return ['build', '-trimpath', '-ldflags=-s -w', '-o', output, '.'];
}

/** `$LAB_GO` or `go` on PATH. */
export function goCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.LAB_GO || 'go';
}

/** Debian's Go and the row's Go libraries: what `apt-get install` needs for this row. */
export function goDebianPackages(manifest: ServiceManifest): string[] {
  return ['golang-go', ...(manifest.local.requires?.debianPackages ?? [])];
}

export type GoBuildResult =
  | { ok: true; binary: string; built: boolean }
  | { ok: false; reason: string; goMissing: boolean };

/** Builds local.args[0] of a go row when it is missing or older than a source. */
export async function ensureGoBinary(manifest: ServiceManifest, env: NodeJS.ProcessEnv = process.env): Promise<GoBuildResult> {
  const binary = path.resolve(manifest.dir, manifest.local.args[0]!);
  const pkg = path.resolve(manifest.dir, manifest.image?.package ?? '.');
  if (mtimeOrZero(binary) > newestSource(manifest.dir, (name) => name.endsWith('.go'), ['bin'])) return { ok: true, binary, built: false };
  // Go needs a build cache; the lab's own folder keeps it, so no $HOME is required.
  const cache = env.GOCACHE || path.join(repoRoot(), '.lab', 'cache', 'go-build');
  mkdirSync(cache, { recursive: true });
  const go = goCommand(env);
  return new Promise((resolve) => {
    execFile(go, goBuildArgs(binary), { cwd: pkg, env: { ...env, ...GO_BUILD_ENV, GOCACHE: cache }, timeout: 600_000, maxBuffer: 4 << 20, signal: labStopSignal() }, (err, _stdout, stderr) => {
      if (!err) return resolve({ ok: true, binary, built: true });
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      const output = String(stderr).trim().split('\n').slice(-6).join(' | ');
      resolve({
        ok: false,
        goMissing: missing,
        reason: missing ? `Go compiler '${go}' not found` : `go build in ${pkg} failed: ${output || err.message}`,
      });
    });
  });
}
