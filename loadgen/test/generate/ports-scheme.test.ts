// The generator holds the manifests to contract/contract.json's ports scheme: HTTP 81NN with
// line 82NN, reserved ports for the planned rows only, never the lab's own ports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../helpers/paths.js';

/** Ports the test's own contract reserves for a planned row: the real reservations move into
 *  manifests as the planned rows land, so the test does not rely on one of them. */
const PLANNED = { name: 'planned-row', http: 8150, line: 8250 };

/** A repository of the contract (plus PLANNED), the manifest schema, the upstream and one row with `ports`. */
async function readWithRow(name: string, ports: { http: number; line: number }): Promise<string> {
  const row = JSON.parse(readFileSync(path.join(REPO_ROOT, 'services', 'python-asyncio', 'service.json'), 'utf8'));
  const { withRow } = await import(pathToFileURL(path.join(REPO_ROOT, 'scripts', 'generate', 'test', 'temp-repo.mjs')).href);
  try {
    await withRow({ ...row, name, ports }, async () => {}, { reserve: { [PLANNED.name]: { http: PLANNED.http, line: PLANNED.line } } });
    return '';
  } catch (err) {
    return (err as Error).message;
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
