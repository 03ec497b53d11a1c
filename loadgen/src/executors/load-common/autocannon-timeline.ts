import type { EventEmitter } from 'node:events';
import type { RequestTimeline } from '../common/executor.js';
import { isReconnectAttempt } from './reconnect-backoff.js';

// autocannon's per-request events into a step's timeline. Its worker threads emit none of
// these: with workers the timeline keeps the server's side only (threads, RSS, in-flight...).
//
// autocannon 8 keeps a client's unanswered request in its queue when the connection fails, and
// queues one more per reconnect attempt while the server is down (a killed row): every later
// answer is then timed from a request sent seconds earlier, so p99 after a restart grows by
// the downtime with each second. With pipelining 1 the queue is empty once an answer is taken
// from it; anything left is stale: the answer belongs to the newest entry, and the rest go.

interface QueuedRequest { startTime: [number, number] }
interface ClientQueue { size(): number; toArray(): QueuedRequest[]; clear(): void }

/** The answer's real latency when stale requests were queued before it (and drops them); else autocannon's. */
function realLatency(client: unknown, reported: number): number {
  const queue = (client as { pipelinedRequests?: ClientQueue } | undefined)?.pipelinedRequests;
  if (!queue || typeof queue.size !== 'function' || queue.size() === 0) return reported;
  const newest = queue.toArray().at(-1)!;
  queue.clear();
  const [s, ns] = process.hrtime(newest.startTime);
  return s * 1e3 + ns / 1e6;
}

export function feedAutocannon(instance: EventEmitter, recorder: RequestTimeline): () => void {
  // autocannon emits a mismatch right after the response it belongs to, for non-2xx answers
  // too (their body is never the echo): only a 2xx one was counted ok and must be taken back.
  let lastOk = false;
  const onResponse = (client: unknown, status: number, _bytes: number, responseTime: number) => {
    const ok = status >= 200 && status <= 299;
    lastOk = ok;
    recorder.response(realLatency(client, responseTime), ok, ok ? undefined : `status ${status}`);
  };
  const onError = (err: Error) => {
    if (isReconnectAttempt(err)) recorder.reconnect?.();
    else recorder.error(/timed out/.test(err?.message ?? '') ? 'timeout' : 'connection');
  };
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
