import type { EventEmitter } from 'node:events';
import type { RequestTimeline } from './types.js';

// autocannon's per-request events into a step's timeline. Its worker threads emit none of
// these: with workers the timeline keeps the server's side only (threads, RSS, in-flight...).

export function feedAutocannon(instance: EventEmitter, recorder: RequestTimeline): () => void {
  // autocannon emits a mismatch right after the response it belongs to, for non-2xx answers
  // too (their body is never the echo): only a 2xx one was counted ok and must be taken back.
  let lastOk = false;
  const onResponse = (_client: unknown, status: number, _bytes: number, responseTime: number) => {
    const ok = status >= 200 && status <= 299;
    lastOk = ok;
    recorder.response(responseTime, ok, ok ? undefined : `status ${status}`);
  };
  const onError = (err: Error) => recorder.error(/timed out/.test(err?.message ?? '') ? 'timeout' : 'connection');
  const onMismatch = () => { if (lastOk) recorder.mismatch(); lastOk = false; };
  instance.on('response', onResponse);
  instance.on('reqError', onError);
  instance.on('reqMismatch', onMismatch);
  return () => {
    instance.off('response', onResponse);
    instance.off('reqError', onError);
    instance.off('reqMismatch', onMismatch);
  };
}
