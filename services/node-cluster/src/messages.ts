import type { OverheadParams } from '@concurrency-lab/ts-common';

// What the primary and its workers say to each other over node:cluster's IPC channel. A
// worker asks (an id, a question) and the primary answers with the same id; the primary tells
// workers to collect their metrics or to drain. Every type starts with "lab:" so that the
// channel's other users (node:cluster's own internal messages) are never mistaken for ours.

export type Question =
  | { type: 'lab:row-metrics' }
  | { type: 'lab:overhead-acquire'; params: OverheadParams }
  | { type: 'lab:overhead-release' };

export type WorkerMessage =
  | { type: 'lab:ready' }
  | (Question & { id: number })
  | { type: 'lab:collected'; id: number; metrics?: object[]; error?: string };

export type Reply = { ok: true; value?: string } | { ok: false; error: string };
export type Answer = Reply & { type: 'lab:answer'; id: number };

export type PrimaryMessage = Answer | { type: 'lab:collect'; id: number } | { type: 'lab:drain' };

/** Our messages only (node:cluster sends its own on the same channel). */
export function isLabMessage(m: unknown): m is { type: string } {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string' && (m as { type: string }).type.startsWith('lab:');
}

/** A worker's side: asks the primary and waits for its answer (bounded: a lost primary must not hang a request). */
export function createAsker(timeoutMs: number): (q: Question) => Promise<string | undefined> {
  let next = 0;
  const pending = new Map<number, { resolve: (v: string | undefined) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  process.on('message', (m: unknown) => {
    if (!isLabMessage(m) || m.type !== 'lab:answer') return;
    const a = m as Answer;
    const p = pending.get(a.id);
    if (!p) return;
    pending.delete(a.id);
    clearTimeout(p.timer);
    if (a.ok) p.resolve(a.value);
    else p.reject(new Error(a.error));
  });
  return (q) =>
    new Promise((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`the primary did not answer ${q.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, { resolve, reject, timer });
      process.send!({ ...q, id } satisfies WorkerMessage);
    });
}
