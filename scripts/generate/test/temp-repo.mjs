// A temporary repository for generator tests: the contract, the manifest schema, the upstream
// and one row's manifest, read with the generator's readManifests. Shared by the generator's
// tests and loadgen/test/generate (which imports it by path).
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
