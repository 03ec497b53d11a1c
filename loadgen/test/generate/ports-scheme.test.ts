// The generator holds the manifests to contract/contract.json's ports scheme: HTTP 81NN with
// line 82NN, reserved ports for the planned rows only, never the lab's own ports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../helpers/paths.js';

/** Ports the test's own contract reserves for a planned row: the real reservations move into
 *  manifests as the planned rows land, so the test does not rely on one of them. */
const PLANNED = { name: 'planned-row', http: 8150, line: 8250 };

/** A repository of the contract (plus PLANNED), the manifest schema, the upstream and one row with `ports`. */
async function readWithRow(name: string, ports: { http: number; line: number }): Promise<string> {
  const repo = mkdtempSync(path.join(os.tmpdir(), 'lab-ports-scheme-'));
  try {
    mkdirSync(path.join(repo, 'contract'));
    const contract = JSON.parse(readFileSync(path.join(REPO_ROOT, 'contract', 'contract.json'), 'utf8'));
    contract.ports.reserved[PLANNED.name] = { http: PLANNED.http, line: PLANNED.line };
    writeFileSync(path.join(repo, 'contract', 'contract.json'), JSON.stringify(contract));
    mkdirSync(path.join(repo, 'services', 'upstream'), { recursive: true });
    copyFileSync(path.join(REPO_ROOT, 'services', 'service.schema.json'), path.join(repo, 'services', 'service.schema.json'));
    copyFileSync(path.join(REPO_ROOT, 'services', 'upstream', 'service.json'), path.join(repo, 'services', 'upstream', 'service.json'));
    const row = JSON.parse(readFileSync(path.join(REPO_ROOT, 'services', 'python-asyncio', 'service.json'), 'utf8'));
    mkdirSync(path.join(repo, 'services', name));
    writeFileSync(path.join(repo, 'services', name, 'service.json'), JSON.stringify({ ...row, name, ports }));
    const { readManifests } = await import(pathToFileURL(path.join(REPO_ROOT, 'scripts', 'generate', 'manifests.mjs')).href);
    try {
      await readManifests(repo);
      return '';
    } catch (err) {
      return (err as Error).message;
    }
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
}

test('a row on 81NN/82NN is accepted, and a planned row on its reserved ports too', async () => {
  assert.equal(await readWithRow('my-row', { http: 8190, line: 8290 }), '');
  assert.equal(await readWithRow(PLANNED.name, { http: PLANNED.http, line: PLANNED.line }), '');
});

test('another row on reserved ports, off the scheme, or on the lab\'s ports is refused with the reason', async () => {
  assert.match(await readWithRow('my-row', { http: PLANNED.http, line: PLANNED.line }), /ports\.http 8150 is reserved for planned-row/);
  assert.match(await readWithRow('my-row', { http: 8190, line: 8291 }), /8190\/8291 break the scheme/);
  const lab = await readWithRow('my-row', { http: 8080, line: 8180 });
  assert.match(lab, /ports\.http 8080 is the lab's own \(lab_web/);
  assert.match(lab, /break the scheme/);
});
