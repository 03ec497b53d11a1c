import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, readServiceConfig } from '../src/config.js';

test('config defaults follow DESIGN', () => {
  assert.deepEqual(readServiceConfig({ defaultPort: 8107, defaultLinePort: 8207 }, {}), {
    port: 8107,
    linePort: 8207,
    bind: '127.0.0.1',
    upstreamUrl: 'http://127.0.0.1:9000',
    upstreamTimeoutMs: 10_000,
  });
  const c = readServiceConfig(
    { defaultPort: 9000 },
    { PORT: '19000', BIND: '0.0.0.0', UPSTREAM_URL: 'http://up:9000/', UPSTREAM_TIMEOUT_MS: '500' },
  );
  assert.equal(c.port, 19000);
  assert.equal(c.linePort, undefined);
  assert.equal(c.upstreamUrl, 'http://up:9000');
  assert.equal(c.bind, '0.0.0.0');
  assert.equal(c.upstreamTimeoutMs, 500);
});

test('bad values are all reported at once', () => {
  assert.throws(
    () =>
      readServiceConfig(
        { defaultPort: 1, defaultLinePort: 2 },
        { PORT: 'eighty', LINE_PORT: '70000', UPSTREAM_URL: 'not a url', UPSTREAM_TIMEOUT_MS: '0' },
      ),
    (err: unknown) =>
      err instanceof ConfigError &&
      /PORT must be .*'eighty'/.test(err.message) &&
      /LINE_PORT .*'70000'/.test(err.message) &&
      /UPSTREAM_URL/.test(err.message) &&
      /UPSTREAM_TIMEOUT_MS/.test(err.message),
  );
});
