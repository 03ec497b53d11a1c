// `npm run generate` (scripts/generate/): the manifests are the one registry of rows. Both tests
// work in a small temporary copy of the repository (its files without committed results,
// the compiled lab and upstream, node_modules symlinked), never in the real tree.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { findFreePortOffset } from '../../src/runtime/ports.js';
import { REPO_ROOT } from '../helpers/paths.js';

const tempRepo = (await import(pathToFileURL(path.join(REPO_ROOT, 'scripts', 'generate', 'test', 'temp-repo.mjs')).href)) as { copyRepositoryFiles: (prefix: string) => string };

/** A temporary copy of the repository; remove it with rmSync(dir, { recursive: true }). */
function copyRepository(): string {
  const dest = tempRepo.copyRepositoryFiles('lab-generate-');
  // Compiled code is copied, not linked: the lab finds its repository by walking up from its
  // own (real) path, and it must find the copy.
  for (const dist of ['loadgen/dist/src', 'services/contract-ts/dist/src', 'services/proc-stats/dist/src', 'services/upstream/dist/src']) {
    cpSync(path.join(REPO_ROOT, dist), path.join(dest, dist), { recursive: true });
  }
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dest, 'node_modules'));
  return dest;
}

function generate(repo: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const res = spawnSync(process.execPath, [path.join(repo, 'scripts', 'generate', 'index.mjs'), ...args], { cwd: repo, encoding: 'utf8' });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

function edit(repo: string, file: string, from: string, to: string): void {
  const full = path.join(repo, file);
  const text = readFileSync(full, 'utf8');
  assert.ok(text.includes(from), `${file} contains ${JSON.stringify(from)}`);
  writeFileSync(full, text.replace(from, to));
}

test('generate --check passes on the repository and fails naming each derived file edited by hand', () => {
  const repo = copyRepository();
  try {
    const clean = generate(repo, '--check');
    assert.equal(clean.status, 0, clean.stderr);
    edit(repo, 'docker-compose.override.yml', '"127.0.0.1:8101:8101"', '"127.0.0.1:8109:8101"');
    edit(repo, 'services/python-threads/Dockerfile', 'USER lab', 'USER root');
    edit(repo, 'dashboards/row-colours.json', '#e15759', '#000000');
    const stale = generate(repo, '--check');
    assert.equal(stale.status, 1, stale.stdout + stale.stderr);
    assert.match(stale.stderr, /docker-compose\.override\.yml is stale, line \d+: committed .*8109/);
    assert.match(stale.stderr, /services\/python-threads\/Dockerfile is stale, line \d+: committed "USER root", generated "USER lab"/);
    assert.match(stale.stderr, /dashboards\/row-colours\.json is stale/);
    assert.match(stale.stderr, /3 derived files are stale/);
    // --check wrote nothing; a plain run repairs every file.
    assert.match(readFileSync(path.join(repo, 'services/python-threads/Dockerfile'), 'utf8'), /USER root/);
    assert.equal(generate(repo).status, 0);
    assert.equal(generate(repo, '--check').status, 0);
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
});

test('a new row is a new folder: copied from python-asyncio, generated, it passes lab verify and is in compose', async () => {
  const repo = copyRepository();
  const row = 'python-newrow';
  try {
    // The only hand-written change: the new folder (its manifest and the name it reports).
    const dir = path.join(repo, 'services', row);
    cpSync(path.join(repo, 'services', 'python-asyncio'), dir, { recursive: true });
    const manifest = JSON.parse(readFileSync(path.join(dir, 'service.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(path.join(dir, 'service.json'), JSON.stringify({ ...manifest, name: row, label: 'Python new row', colour: '#123456', ports: { http: 8190, line: 8290 } }, null, 2) + '\n');
    edit(repo, `services/${row}/service.py`, 'IMPL = "python-asyncio"', `IMPL = "${row}"`);

    const before = generate(repo, '--check');
    assert.equal(before.status, 1, 'the new row makes derived files stale');
    const gen = generate(repo);
    assert.equal(gen.status, 0, gen.stderr);
    assert.match(gen.stdout, new RegExp(`wrote services/${row}/Dockerfile`));
    assert.equal(generate(repo, '--check').status, 0);

    // Compose: the base file and the override compose reads by itself.
    const base = parseYaml(readFileSync(path.join(repo, 'docker-compose.yml'), 'utf8'), { merge: true }) as ComposeFile;
    const override = parseYaml(readFileSync(path.join(repo, 'docker-compose.override.yml'), 'utf8')) as ComposeFile;
    const hostnet = parseYaml(readFileSync(path.join(repo, 'docker-compose.hostnet.yml'), 'utf8')) as ComposeFile;
    const svc = base.services[row]!;
    assert.equal(svc.labels?.['lab.impl'], row);
    assert.equal(svc.build?.dockerfile, `services/${row}/Dockerfile`);
    assert.deepEqual([svc.environment?.PORT, svc.environment?.LINE_PORT], ['8190', '8290']);
    assert.equal(svc.restart, 'unless-stopped', 'the shared row settings are merged in');
    assert.ok(base.services.lab?.depends_on && row in base.services.lab.depends_on, 'the lab waits for the new row');
    assert.deepEqual(override.services[row]?.ports, ['127.0.0.1:8190:8190', '127.0.0.1:8290:8290']);
    assert.equal(hostnet.services[row]?.network_mode, 'host');
    const dockerfile = readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    assert.match(dockerfile, /PORT="8190"/);
    assert.match(dockerfile, new RegExp(`COPY services/${row} /app/services/${row}`));
    for (const f of ['dashboards/prometheus/prometheus.yml', 'dashboards/row-colours.json', 'README.md', 'contract/README.md', 'docs/docker.md', 'docs/adding-a-row.md']) {
      assert.ok(readFileSync(path.join(repo, f), 'utf8').includes(row), `${f} lists ${row}`);
    }

    // lab verify with the copy's own lab and the local runtime, on shifted ports.
    const offset = await findFreePortOffset([8190, 8290, 9000, 8080]);
    const env: NodeJS.ProcessEnv = { ...process.env, LAB_PORT_OFFSET: String(offset) };
    delete env.LAB_SERVICES_DIR;
    const run = await runIn(repo, ['verify', '--runtime', 'local', '--targets', row, '--json'], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const report = JSON.parse(run.stdout) as { ok: boolean; targets: { name: string; checks: { check: string; status: string }[] }[] };
    assert.equal(report.ok, true);
    assert.deepEqual(report.targets.map((t) => t.name), [row]);
    assert.ok(report.targets[0]!.checks.some((c) => c.check === 'metrics.impl-label' && c.status === 'pass'));
    assert.deepEqual(report.targets[0]!.checks.filter((c) => c.status === 'fail'), []);
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
});

interface ComposeService {
  labels?: Record<string, string>;
  build?: { dockerfile?: string };
  environment?: Record<string, string>;
  restart?: string;
  depends_on?: Record<string, unknown>;
  ports?: string[];
  network_mode?: string;
}
interface ComposeFile { services: Record<string, ComposeService | undefined> }

function runIn(repo: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repo, 'loadgen', 'bin', 'lab.mjs'), ...args], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`lab ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`)); }, timeoutMs);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}
