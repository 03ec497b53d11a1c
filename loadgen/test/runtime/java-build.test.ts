// The local runtime and the Java rows (src/runtime/local/java-build.ts): the image recipe's javac
// command, a JDK older than 21 or none at all listing both Java rows as unavailable with the
// install command while the other rows run, and (where a JDK 21 is present) the compile and
// rebuild of a code base. Debian 12 has no JDK 21, so on such a host the last test is skipped
// and says so; the rows themselves are verified in the Docker e2e (scripts/docker-e2e.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { openLocalRuntime } from '../../src/runtime/index.js';
import { findFreePortOffset } from '../../src/runtime/ports.js';
import { probeStatus } from '../../src/runtime/local/health.js';
import { checkAvailability } from '../../src/runtime/local/interpreters.js';
import { checkJava, ensureJavaClasses, javacArgs, javaMajor, JDK_PACKAGE } from '../../src/runtime/local/java-build.js';
import type { ServiceManifest } from '../../src/runtime/types.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { assertGroupGone } from '../helpers/processes.js';

const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
const INSTALL = `${sudo}apt-get install -y ${JDK_PACKAGE}`;
const JAVA_ROWS = ['java-virtual-threads', 'java-platform-threads'];

/** A `java` that answers -version like Debian 12's OpenJDK 17 and does nothing else. */
function oldJava(dir: string): string {
  const file = path.join(dir, 'java');
  writeFileSync(file, '#!/bin/sh\necho \'openjdk version "17.0.15" 2025-04-15\' >&2\n');
  chmodSync(file, 0o755);
  return file;
}

test('the local build is the image recipe\'s javac command (scripts/generate/dockerfile-java.mjs)', async () => {
  const recipe = await import(pathToFileURL(path.join(REPO_ROOT, 'scripts', 'generate', 'dockerfile-java.mjs')).href) as {
    javacBuild: string; JDK_PACKAGES: { build: string };
  };
  assert.deepEqual(javacArgs(['src/lab/A.java']), [...recipe.javacBuild.split(' '), 'src/lab/A.java']);
  assert.equal(recipe.JDK_PACKAGES.build, JDK_PACKAGE);
});

test('the major version is read from java -version, old and new numbering', () => {
  assert.equal(javaMajor('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment'), 17);
  assert.equal(javaMajor('openjdk version "21.0.13" 2026-10-20'), 21);
  assert.equal(javaMajor('java version "1.8.0_402"'), 8);
  assert.equal(javaMajor('openjdk version "22-ea" 2024-03-19'), 22);
  assert.equal(javaMajor('no version here'), undefined);
});

test('with Java 17 both Java rows are unavailable with the install command, and the other rows run', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lab-old-java-'));
  const logDir = mkdtempSync(path.join(tmpdir(), 'lab-logs-'));
  const runtime = await openLocalRuntime({
    servicesDir: path.join(REPO_ROOT, 'services'), portOffset: await findFreePortOffset(), logDir,
    targets: [...JAVA_ROWS, 'node-eventloop'], env: { ...process.env, LAB_JAVA: oldJava(dir) },
  });
  const groups = runtime.started;
  try {
    for (const name of JAVA_ROWS) {
      const row = runtime.unavailable.find((u) => u.name === name);
      assert.ok(row, `${name} listed as unavailable`);
      assert.match(row.reason, /is Java 17; these rows need JDK 21 or later \(virtual threads\)/);
      assert.ok(row.hint?.startsWith(INSTALL), row.hint);
      assert.match(row.hint ?? '', /LAB_JAVA/);
    }
    assert.deepEqual(runtime.targets.map((t) => t.name), ['node-eventloop']);
    assert.equal(await probeStatus(`${runtime.targets[0]!.httpUrl}/echo?text=hi`), 200);
    assert.deepEqual(groups.map((g) => g.name).sort(), ['node-eventloop', 'upstream']);
  } finally {
    await runtime.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(logDir, { recursive: true, force: true });
  }
  for (const g of groups) await assertGroupGone(g.pgid, g.name);
});

test('without any java the rows are unavailable with the install command', async () => {
  const row = { name: 'java-virtual-threads', dir: path.join(REPO_ROOT, 'services', 'java-virtual-threads'), image: { recipe: 'java', package: '../java-threads-common' },
    local: { interpreter: 'java', args: ['-cp', '../java-threads-common/bin/classes', 'lab.Main', 'virtual'] } } as ServiceManifest;
  const a = await checkAvailability(row, '', { ...process.env, LAB_JAVA: '/nonexistent/bin/java' });
  assert.equal(a.ok, false);
  assert.match(a.reason ?? '', /Java '\/nonexistent\/bin\/java' not found/);
  assert.ok(a.hint?.startsWith(INSTALL), a.hint);
});

test('with a JDK 21: compiles a code base, reuses the classes while no source is newer, recompiles after an edit', async (t) => {
  const java = await checkJava();
  if (!java.ok) return t.skip(`no JDK 21 on this host (${java.reason}); set LAB_JAVA to run it`);
  const codeBase = mkdtempSync(path.join(tmpdir(), 'lab-java-code-'));
  mkdirSync(path.join(codeBase, 'src', 'tiny'), { recursive: true });
  const source = path.join(codeBase, 'src', 'tiny', 'Main.java');
  writeFileSync(source, 'package tiny;\npublic class Main { public static void main(String[] a) { System.out.println(Thread.ofVirtual().name("x").unstarted(() -> {}).isVirtual()); } }\n');
  const row = { name: 'tiny-java', dir: codeBase, image: { recipe: 'java', package: '.' }, local: { interpreter: 'java', args: ['-cp', 'bin/classes', 'tiny.Main'] } } as ServiceManifest;
  try {
    const first = await ensureJavaClasses(row);
    assert.deepEqual(first, { ok: true, classes: path.join(codeBase, 'bin', 'classes'), built: true });
    assert.deepEqual(await ensureJavaClasses(row), { ...first, built: false });
    const later = new Date(Date.now() + 5_000);
    utimesSync(source, later, later);
    const rebuilt = await ensureJavaClasses(row);
    assert.ok(rebuilt.ok && rebuilt.built, JSON.stringify(rebuilt));
    writeFileSync(source, 'package tiny;\npublic class Main { broken }\n');
    utimesSync(source, new Date(Date.now() + 10_000), new Date(Date.now() + 10_000));
    const broken = await ensureJavaClasses(row);
    assert.equal(broken.ok, false);
    assert.match(!broken.ok ? broken.reason : '', /javac in .* failed/);
  } finally {
    rmSync(codeBase, { recursive: true, force: true });
  }
});

test('with a JDK 21: the Java rows\' code base compiles with the recipe\'s command', async (t) => {
  const java = await checkJava();
  if (!java.ok) return t.skip(`no JDK 21 on this host (${java.reason}); set LAB_JAVA to run it`);
  const row = { name: 'java-virtual-threads', dir: path.join(REPO_ROOT, 'services', 'java-virtual-threads'), image: { recipe: 'java', package: '../java-threads-common' },
    local: { interpreter: 'java', args: ['-cp', '../java-threads-common/bin/classes', 'lab.Main', 'virtual'] } } as ServiceManifest;
  const built = await ensureJavaClasses(row);
  assert.ok(built.ok, JSON.stringify(built));
});
