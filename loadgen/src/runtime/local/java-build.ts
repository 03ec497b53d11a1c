import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ServiceManifest } from '../types.js';

// A Java row under the local runtime (the image recipe is scripts/generate/dockerfile-java.mjs):
// image.package is the code base folder, relative to the row folder; javac compiles its src/
// into its bin/classes with the recipe's command when a .java file is newer than the last
// build, and the row runs as `java <local.args>` (which name bin/classes in -cp). The rows use
// JDK 21's virtual threads: an older java (Debian 12 has 17) lists them as unavailable with
// the install command, and the other rows run. LAB_JAVA names another java (its javac is the
// one beside it).

export const JAVA_MIN_VERSION = 21;
/** The Debian package of the recipe's build stage (Debian 13, trixie). */
export const JDK_PACKAGE = 'openjdk-21-jdk-headless';

/** `$LAB_JAVA` or `java` on PATH. */
export function javaCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.LAB_JAVA || 'java';
}

/** The javac of that JDK: beside LAB_JAVA when it is a path, else `javac` on PATH. */
export function javacCommand(env: NodeJS.ProcessEnv = process.env): string {
  const java = javaCommand(env);
  return java.includes('/') ? path.join(path.dirname(java), 'javac') : 'javac';
}

/** The code base folder (image.package) and its classes folder, absolute. */
export function javaPaths(manifest: ServiceManifest): { codeBase: string; sources: string; classes: string } {
  const codeBase = path.resolve(manifest.dir, manifest.image?.package ?? '.');
  return { codeBase, sources: path.join(codeBase, 'src'), classes: path.join(codeBase, 'bin', 'classes') };
}

/** `javac` arguments of the image recipe (its javacBuild), run in the code base folder. */
export function javacArgs(sourceFiles: string[]): string[] {
  return ['-encoding', 'UTF-8', '-nowarn', '-d', 'bin/classes', ...sourceFiles];
}

/** The major version in `java -version`'s first line (`openjdk version "17.0.15"` -> 17, `"1.8.0_1"` -> 8). */
export function javaMajor(versionOutput: string): number | undefined {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!m) return undefined;
  return m[1] === '1' && m[2] ? Number(m[2]) : Number(m[1]);
}

/** What to run when the JDK is missing or too old. */
export function javaInstallHint(): string {
  const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
  return `${sudo}apt-get install -y ${JDK_PACKAGE} (Debian 13 or later; Debian 12 has no JDK ${JAVA_MIN_VERSION}: there, set LAB_JAVA to the java of a JDK ${JAVA_MIN_VERSION} or later)`;
}

export type JavaBuildResult = { ok: true; classes: string; built: boolean } | { ok: false; reason: string; hint?: string };

function run(command: string, args: string[], cwd: string): Promise<{ error?: { code?: string | number | null; message: string }; output: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, timeout: 600_000, maxBuffer: 4 << 20 }, (error, stdout, stderr) => {
      resolve({ error: error ?? undefined, output: `${stdout}${stderr}` });
    });
  });
}

/** The java to run: present and at least JDK 21, or why not with the fix. */
export async function checkJava(env: NodeJS.ProcessEnv = process.env): Promise<{ ok: true } | { ok: false; reason: string; hint: string }> {
  const java = javaCommand(env);
  const { error, output } = await run(java, ['-version'], process.cwd());
  if (error?.code === 'ENOENT') return { ok: false, reason: `Java '${java}' not found (these rows need JDK ${JAVA_MIN_VERSION}: virtual threads)`, hint: javaInstallHint() };
  const major = javaMajor(output);
  if (error || major === undefined) return { ok: false, reason: `'${java} -version' failed: ${output.trim().split('\n').slice(-3).join(' | ') || error?.message}`, hint: javaInstallHint() };
  if (major < JAVA_MIN_VERSION) {
    return { ok: false, reason: `'${java}' is Java ${major}; these rows need JDK ${JAVA_MIN_VERSION} or later (virtual threads)`, hint: javaInstallHint() };
  }
  return { ok: true };
}

function javaSources(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...javaSources(full));
    else if (entry.name.endsWith('.java')) found.push(full);
  }
  return found.sort();
}

function mtimeOrZero(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

// Both Java rows share one code base: one build at a time per classes folder.
const building = new Map<string, Promise<JavaBuildResult>>();

/** Compiles the code base when its classes are missing or older than a source. */
export function ensureJavaClasses(manifest: ServiceManifest, env: NodeJS.ProcessEnv = process.env): Promise<JavaBuildResult> {
  const { classes } = javaPaths(manifest);
  let pending = building.get(classes);
  if (!pending) {
    pending = build(manifest, env).finally(() => building.delete(classes));
    building.set(classes, pending);
  }
  return pending;
}

async function build(manifest: ServiceManifest, env: NodeJS.ProcessEnv): Promise<JavaBuildResult> {
  const { codeBase, sources, classes } = javaPaths(manifest);
  const java = await checkJava(env);
  if (!java.ok) return java;
  let files: string[];
  try {
    files = javaSources(sources);
  } catch (e) {
    return { ok: false, reason: `no Java sources in ${sources}: ${(e as Error).message}` };
  }
  // A stamp written after a successful javac: its time is the build's.
  const stamp = path.join(classes, '.built');
  if (mtimeOrZero(stamp) > Math.max(...files.map(mtimeOrZero))) return { ok: true, classes, built: false };
  mkdirSync(classes, { recursive: true });
  const javac = javacCommand(env);
  const { error, output } = await run(javac, javacArgs(files.map((f) => path.relative(codeBase, f))), codeBase);
  if (error) {
    const missing = error.code === 'ENOENT';
    return {
      ok: false,
      reason: missing ? `javac '${javac}' not found (a JRE without its JDK?)` : `javac in ${codeBase} failed: ${output.trim().split('\n').slice(-6).join(' | ')}`,
      hint: missing ? javaInstallHint() : undefined,
    };
  }
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
  return { ok: true, classes, built: true };
}
