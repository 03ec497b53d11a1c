// A temporary repository for generator tests: the contract, the manifest schema, the upstream
// and one row's manifest, read with the generator's readManifests; or a copy of the tracked
// files. Shared by the generator's tests and loadgen/test/generate (which imports it by path).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readManifests } from '../manifests.mjs';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** fn(manifests, repo) over a temporary repository holding `row` (a service.json object); removed afterwards. readManifests' error rejects.
 *  `reserve` adds planned rows' ports to the copied contract ({ name: { http, line } }), so a test does not lean on real reservations, which move into manifests as rows land. */
export async function withRow(row, fn, { reserve = {} } = {}) {
  const repo = mkdtempSync(path.join(os.tmpdir(), 'lab-temp-repo-'));
  try {
    mkdirSync(path.join(repo, 'contract'));
    const contract = JSON.parse(readFileSync(path.join(REPO, 'contract', 'contract.json'), 'utf8'));
    contract.ports.reserved = { ...contract.ports.reserved, ...reserve };
    writeFileSync(path.join(repo, 'contract', 'contract.json'), JSON.stringify(contract));
    mkdirSync(path.join(repo, 'services', 'upstream'), { recursive: true });
    copyFileSync(path.join(REPO, 'services', 'service.schema.json'), path.join(repo, 'services', 'service.schema.json'));
    copyFileSync(path.join(REPO, 'services', 'upstream', 'service.json'), path.join(repo, 'services', 'upstream', 'service.json'));
    mkdirSync(path.join(repo, 'services', row.name));
    writeFileSync(path.join(repo, 'services', row.name, 'service.json'), JSON.stringify(row));
    return await fn(await readManifests(repo), repo);
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
}

/** Committed results and screenshots: large, and no generator reads them. */
const NOT_COPIED = /^(docs\/(results|screenshots)|results)\//;

/**
 * A temporary copy of the repository's files as the working tree has them, tracked or new but
 * not ignored (committed results and screenshots aside); remove it with rmSync(dir, { recursive: true }).
 */
export function copyRepositoryFiles(prefix = 'lab-repo-copy-') {
  const dest = mkdtempSync(path.join(os.tmpdir(), prefix));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO, encoding: 'utf8' }).split('\0');
  for (const file of files.filter((f) => f && !NOT_COPIED.test(f))) {
    const src = path.join(REPO, file);
    if (!existsSync(src)) continue; // deleted in the working tree, not yet committed
    mkdirSync(path.dirname(path.join(dest, file)), { recursive: true });
    copyFileSync(src, path.join(dest, file));
  }
  return dest;
}
