import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, readServiceConfig } from '../src/config.js';

test('ports and the upstream come from the environment; bind and timeout have defaults', () => {
  assert.deepEqual(readServiceConfig({ role: 'implementation' }, { PORT: '8107', LINE_PORT: '8207', UPSTREAM_URL: 'http://127.0.0.1:9000' }), {
    port: 8107,
    linePort: 8207,
    bind: '127.0.0.1',
    upstreamUrl: 'http://127.0.0.1:9000',
    upstreamTimeoutMs: 10_000,
  });
  const c = readServiceConfig(
    { role: 'upstream' },
    { PORT: '19000', BIND: '0.0.0.0', UPSTREAM_URL: 'http://up:9000/', UPSTREAM_TIMEOUT_MS: '500' },
  );
  assert.equal(c.port, 19000);
  assert.equal(c.linePort, undefined);
  assert.equal(c.upstreamUrl, 'http://up:9000');
  assert.equal(c.bind, '0.0.0.0');
  assert.equal(c.upstreamTimeoutMs, 500);
});

test('a missing PORT, LINE_PORT or UPSTREAM_URL is an error naming the variable, never a default', () => {
  assert.throws(
    () => readServiceConfig({ role: 'implementation' }, {}),
    (err: unknown) =>
      err instanceof ConfigError &&
      /PORT is not set .*service\.json/.test(err.message) &&
      /LINE_PORT is not set/.test(err.message) &&
      /UPSTREAM_URL is not set/.test(err.message),
  );
  assert.throws(() => readServiceConfig({ role: 'upstream' }, {}), /^ConfigError: PORT is not set|PORT is not set/);
  assert.equal(readServiceConfig({ role: 'upstream' }, { PORT: '1' }).linePort, undefined);
});

test('bad values are all reported at once', () => {
  assert.throws(
    () =>
      readServiceConfig(
        { role: 'implementation' },
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
