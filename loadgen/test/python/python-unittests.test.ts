// Runs every Python unittest folder (services/*/tests) under the Python the rows use
// ($LAB_PYTHON or /usr/bin/python3), one node test per folder, so `npm test` covers the Python
// rows too. A folder's failure output is the assertion message.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

// dist/test/python/ -> repo root
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const servicesDir = path.join(repoRoot, 'services');
const python = process.env.LAB_PYTHON || '/usr/bin/python3';
const FOLDER_TIMEOUT_MS = 300_000;
/** The shared Python packages' folders (services/<package>/<package>/): every suite may import them. */
const SHARED_PYTHON = ['labcommon', 'labtesting'];

function testFolders(): string[] {
  return readdirSync(servicesDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(servicesDir, d.name, 'tests')))
    .filter((d) => readdirSync(path.join(servicesDir, d.name, 'tests')).some((f) => /^test_.*\.py$/.test(f)))
    .map((d) => d.name)
    .sort();
}

/** The folders a row's manifest puts on PYTHONPATH, plus the shared packages' folders and the row itself. */
function pythonPathFor(service: string): string {
  const dir = path.join(servicesDir, service);
  const entries = [dir, ...SHARED_PYTHON.map((folder) => path.join(servicesDir, folder))];
  const manifestPath = path.join(dir, 'service.json');
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { local?: { pythonPath?: string[] } };
    for (const p of manifest.local?.pythonPath ?? []) entries.push(path.resolve(dir, p));
  }
  return [...new Set(entries)].join(path.delimiter);
}

function pythonMissing(): string | undefined {
  const probe = spawnSync(python, ['-c', 'import prometheus_client'], { encoding: 'utf8' });
  if (probe.error) return `${python} cannot run: ${probe.error.message}`;
  if (probe.status !== 0) return `${python} lacks prometheus_client (apt-get install python3-prometheus-client)`;
  return undefined;
}

function runUnittest(service: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['-m', 'unittest', 'discover', '-s', `services/${service}/tests`, '-t', `services/${service}`, '-v'], {
      cwd: repoRoot,
      env: { ...process.env, PYTHONPATH: pythonPathFor(service), PYTHONDONTWRITEBYTECODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      output += `\n[killed after ${FOLDER_TIMEOUT_MS} ms]`;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, FOLDER_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const missing = pythonMissing();
for (const service of testFolders()) {
  // Not a skip: CI installs the rows' Debian packages (.ci/run), so a missing interpreter or
  // module is a broken machine, and the failure says what to install.
  test(`python unittests: services/${service}/tests`, async () => {
    assert.equal(missing, undefined, `cannot run the Python suites: ${missing}`);
    const { code, output } = await runUnittest(service);
    assert.equal(code, 0, `python unittests of services/${service} failed (exit ${code}):\n${output}`);
  });
}
