import type { CheckGroup } from '../types.js';
import { httpGet, show } from '../http-client.js';
import { echoUrl, expectedEcho } from './expected.js';

const UNICODE_TEXT = 'hello wörld ☠ 海賊 🏴‍☠️';

export const echoChecks: CheckGroup = async ({ target, upstream, record }) => {
  const text = 'hello my friend';
  const expected = await expectedEcho(upstream, text);
  const url = echoUrl(target, { text, delay_ms: '0' });
  const first = await httpGet(url);
  if (first.status === 200 && first.body === expected) record('echo.body', 'pass', `200 ${show(first.body)}`, url);
  else record('echo.body', 'fail', `expected 200 ${show(expected)}, got ${first.status} ${show(first.body)}`, url);

  const type = String(first.headers['content-type'] ?? '');
  if (type.startsWith('text/plain')) record('echo.content-type', 'pass', type, url);
  else record('echo.content-type', 'fail', `expected text/plain, got '${type || '(none)'}'`, url);

  const second = await httpGet(url);
  if (second.status === first.status && second.body === first.body) record('echo.deterministic', 'pass', 'same text, same body', url);
  else record('echo.deterministic', 'fail', `two answers differ: ${show(first.body)} then ${show(second.body)}`, url);

  const uExpected = await expectedEcho(upstream, UNICODE_TEXT);
  const uUrl = echoUrl(target, { text: UNICODE_TEXT, delay_ms: '0' });
  const unicode = await httpGet(uUrl);
  if (unicode.status === 200 && unicode.body === uExpected) record('echo.unicode', 'pass', show(unicode.body), uUrl);
  else record('echo.unicode', 'fail', `expected 200 ${show(uExpected)}, got ${unicode.status} ${show(unicode.body)}`, uUrl);
};
