import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { ServiceManifest } from '../types.js';
import { aptHint, sudoPrefix } from './apt-hint.js';
import { ensureGoBinary, goDebianPackages } from './go-build.js';
import { ensureJavaClasses } from './java-build.js';
import { isNative, prepareNative } from './native-rows.js';

/** `$LAB_PYTHON` or Debian's python3: the one that has python3-gevent and friends. */
export function pythonInterpreter(env: NodeJS.ProcessEnv = process.env): string {
  return env.LAB_PYTHON || '/usr/bin/python3';
}


export { aptHint };

export interface Availability {
  ok: boolean;
  reason?: string;
  hint?: string;
}

// Checking imports costs a python start (~100 ms, more with gevent): once per interpreter and
// module set is enough for a lab process.
const importChecks = new Map<string, Promise<{ ok: boolean; stderr: string }>>();

function checkImports(python: string, modules: string[]): Promise<{ ok: boolean; stderr: string }> {
  const key = `${python}\0${[...modules].sort().join(',')}`;
  let pending = importChecks.get(key);
  if (!pending) {
    pending = new Promise((resolve) => {
      const child = spawn(python, ['-c', `import ${modules.join(', ')}`], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
      child.on('error', (err) => resolve({ ok: false, stderr: err.message }));
      child.on('close', (code) => resolve({ ok: code === 0, stderr }));
    });
    importChecks.set(key, pending);
  }
  return pending;
}

/** Whether the manifest's runtime is present, and if not, the exact command that fixes it. */
export async function checkAvailability(manifest: ServiceManifest, entryPoint: string, env: NodeJS.ProcessEnv): Promise<Availability> {
  if (manifest.local.interpreter === 'node') {
    if (!existsSync(entryPoint)) {
      return { ok: false, reason: `${entryPoint} is missing (the TypeScript is not compiled)`, hint: 'npm run build' };
    }
    return { ok: true };
  }
  if (manifest.local.interpreter === 'go') {
    // Available = the binary is up to date, built now if needed (a compile error is shown as is).
    const build = await ensureGoBinary(manifest, env);
    if (build.ok) return { ok: true };
    const cannotFind = /cannot find package/.test(build.reason);
    return { ok: false, reason: build.reason, hint: build.goMissing || cannotFind ? aptHint(goDebianPackages(manifest)) : undefined };
  }
  if (manifest.local.interpreter === 'java') {
    // Available = a JDK 21 is there and the classes are up to date, compiled now if needed.
    const build = await ensureJavaClasses(manifest, env);
    return build.ok ? { ok: true } : { ok: false, reason: build.reason, hint: build.hint };
  }
  if (isNative(manifest.local.interpreter)) return prepareNative(manifest, manifest.local.interpreter, manifest.local.args, env);
  const python = pythonInterpreter(env);
  if (!existsSync(python)) {
    return {
      ok: false,
      reason: `python interpreter ${python} not found`,
      hint: env.LAB_PYTHON
        ? `set LAB_PYTHON to an existing python3 with ${manifest.local.requires?.debianPackages?.join(' ') || 'the needed modules'} (or unset it to use /usr/bin/python3)`
        : `${sudoPrefix()}apt-get install -y python3 ${manifest.local.requires?.debianPackages?.join(' ') ?? ''}`.trim() + ', or set LAB_PYTHON to a python3 that has them',
    };
  }
  if (!existsSync(entryPoint)) {
    return { ok: false, reason: `${entryPoint} is missing` };
  }
  const modules = manifest.local.requires?.pythonModules ?? [];
  if (modules.length > 0) {
    const result = await checkImports(python, modules);
    if (!result.ok) {
      const lastLine = result.stderr.trim().split('\n').pop() ?? 'import failed';
      return {
        ok: false,
        reason: `${python} cannot import ${modules.join(', ')}: ${lastLine}`,
        hint: aptHint(manifest.local.requires?.debianPackages ?? []),
      };
    }
  }
  return { ok: true };
}
