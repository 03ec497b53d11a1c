// The dashboard answers its own origin only (web-server/origin-guard.ts): a real server, real
// HTTP requests with the headers a rebinding page or a cross-site form would send.
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { allowedHostsFromEnv, hostnameOf } from '../../src/web-server/origin-guard.js';
import { startWebServer, type WebServer } from '../../src/web-server/server.js';

let web: WebServer;
let scratch = '';

function request(method: string, p: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: web.port, method, path: p, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => { text += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const own = () => `127.0.0.1:${web.port}`;
const json = { 'content-type': 'application/json' };
const RUN = JSON.stringify({ scenario: 'quick' });

before(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'lab-origin-'));
  // No runtime and no runner: a POST that passes the guard gets 503 (nothing to run it), one refused by it 403.
  web = await startWebServer({ port: 0, resultsDir: scratch, allowedHosts: ['lab'] });
});
after(async () => {
  await web?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('the dashboard serves only its own origin', () => {
  test('a rebinding-style Host gets 403 on pages, API and metrics; its own names get 200', async () => {
    for (const p of ['/', '/api/targets', '/metrics', '/api/results']) {
      const r = await request('GET', p, { host: 'evil.example' });
      assert.equal(r.status, 403, `${p}: ${r.text}`);
      assert.match(r.text, /Host 'evil\.example' is not this lab's address.*LAB_ALLOWED_HOSTS/);
      assert.equal((await request('GET', p, { host: 'evil.example:8080' })).status, 403, 'whatever the port');
    }
    for (const host of [own(), `localhost:${web.port}`, `[::1]:${web.port}`, 'lab:8080', 'LAB', '10.0.0.7:8080']) {
      assert.equal((await request('GET', '/api/targets', { host })).status, 200, host);
    }
  });

  test('a cross-origin POST is refused before it can start a run; a same-origin one goes through', async () => {
    const cross = await request('POST', '/api/runs', { host: own(), origin: 'http://evil.example', ...json }, RUN);
    assert.equal(cross.status, 403, cross.text);
    assert.match(cross.text, /from origin 'http:\/\/evil\.example' is refused/);
    // Same host, another port: another origin.
    assert.equal((await request('POST', '/api/runs', { host: own(), origin: `http://127.0.0.1:${web.port + 1}`, ...json }, RUN)).status, 403);
    assert.equal((await request('POST', '/api/runs', { host: own(), origin: 'null', ...json }, RUN)).status, 403, 'a sandboxed page');
    assert.equal((await request('POST', '/api/runs', { host: own(), 'sec-fetch-site': 'cross-site', ...json }, RUN)).status, 403);
    const form = await request('POST', '/api/runs', { host: own(), 'content-type': 'text/plain' }, RUN);
    assert.equal(form.status, 415, 'a form or a no-preflight fetch cannot send JSON');
    assert.match(form.text, /must send JSON/);
    // Through the guard: the run controller answers (503: this server has nothing to run it with).
    for (const headers of [{ host: own(), origin: `http://${own()}`, ...json }, { host: own(), ...json }, { host: own(), 'sec-fetch-site': 'same-origin', ...json }]) {
      const r = await request('POST', '/api/runs', headers, RUN);
      assert.equal(r.status, 503, `${JSON.stringify(headers)}: ${r.text}`);
    }
  });

  test('LAB_ALLOWED_HOSTS is a comma-separated list of names; ports and case do not matter', () => {
    assert.deepEqual(allowedHostsFromEnv({ LAB_ALLOWED_HOSTS: 'lab, Lab.Example.org:8080,,' }), ['lab', 'lab.example.org']);
    assert.deepEqual(allowedHostsFromEnv({}), []);
    assert.equal(hostnameOf('[::1]:8080'), '::1');
    assert.equal(hostnameOf('::1'), '::1');
  });
});
