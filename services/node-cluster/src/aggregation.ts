import cluster from 'node:cluster';
import client from 'prom-client';
import type { LabMetrics } from '@concurrency-lab/ts-common';
import { isLabMessage, type PrimaryMessage, type WorkerMessage } from './messages.js';

// /metrics for the whole row. Each worker keeps node-eventloop's registry (createLabMetrics);
// the primary asks every ready worker for it and merges them with prom-client's
// AggregatorRegistry.aggregate, which applies each metric's `aggregator` per label set. The
// default, 'sum', is right for the counters, histograms and the in-flight, connection and
// units gauges: the row's requests and connections are the workers' added up. Where it is
// wrong, the workers' metrics say so here.

type Aggregator = 'omit' | 'sum' | 'first' | 'min' | 'max' | 'average';
type Worker = NonNullable<typeof cluster.worker>;

/**
 * Facts about the whole row that no worker knows: what the row is, and the /proc sums over
 * its process tree (primary + workers). The primary's own registry exports them, read from
 * the tree rooted at the primary; the workers' copies (each its own process only) are omitted.
 */
export const ROW_LEVEL_METRICS = [
  'lab_info',
  'lab_os_threads',
  'lab_context_switches_total',
  'process_cpu_seconds_total',
  'process_resident_memory_bytes',
] as const;

const WORKER_AGGREGATORS: Record<string, Aggregator> = {
  ...Object.fromEntries(ROW_LEVEL_METRICS.map((name) => [name, 'omit'])),
  // A share of one loop's time (0..1): the mean over the workers' loops stays a share.
  lab_event_loop_utilization: 'average',
  // The same limit in every process, not a quantity to add.
  process_max_fds: 'first',
};

/** In a worker: marks how each metric merges (prom-client reads `aggregator` from the metric). */
export function setWorkerAggregators(registry: client.Registry): void {
  for (const [name, aggregator] of Object.entries(WORKER_AGGREGATORS)) {
    const metric = registry.getSingleMetric(name) as { aggregator: Aggregator } | undefined;
    if (!metric) throw new Error(`node-cluster: no metric ${name} to set its aggregator on`);
    metric.aggregator = aggregator;
  }
}

/** In a worker: answers the primary's requests for this worker's metrics. */
export function answerCollects(registry: client.Registry): void {
  process.on('message', (m: unknown) => {
    if (!isLabMessage(m) || m.type !== 'lab:collect') return;
    const { id } = m as Extract<PrimaryMessage, { type: 'lab:collect' }>;
    registry.getMetricsAsJSON().then(
      (metrics) => process.send!({ type: 'lab:collected', id, metrics } satisfies WorkerMessage),
      (err: unknown) => process.send!({ type: 'lab:collected', id, error: String(err) } satisfies WorkerMessage),
    );
  });
}

/** In the primary: the row's exposition, from the workers it is given and its own row-level metrics. */
export function createRowExposition(own: LabMetrics, timeoutMs: number): (workers: Worker[]) => Promise<string> {
  let next = 0;
  type Collected = Extract<WorkerMessage, { type: 'lab:collected' }>;
  const pending = new Map<number, { worker: Worker; settle: (m: Collected) => void }>();
  cluster.on('message', (_w, m: unknown) => {
    if (!isLabMessage(m) || m.type !== 'lab:collected') return;
    const collected = m as Collected;
    pending.get(collected.id)?.settle(collected);
  });
  // A worker that dies while asked fails this scrape now, not after the timeout.
  cluster.on('exit', (worker) => {
    for (const [id, p] of pending) if (p.worker === worker) p.settle({ type: 'lab:collected', id, error: 'exited while sending its metrics' });
  });

  const collectOne = (worker: Worker): Promise<object[]> =>
    new Promise((resolve, reject) => {
      if (!worker.isConnected()) return reject(new Error(`worker ${worker.process.pid} is going away`));
      const id = next++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`worker ${worker.process.pid} did not send its metrics within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, {
        worker,
        settle: (c) => {
          pending.delete(id);
          clearTimeout(timer);
          if (c.metrics) resolve(c.metrics);
          else reject(new Error(`worker ${worker.process.pid}: ${c.error}`));
        },
      });
      worker.send({ type: 'lab:collect', id } satisfies PrimaryMessage);
    });

  return async (workers) => {
    const perWorker = await Promise.all(workers.map(collectOne));
    const merged = await client.AggregatorRegistry.aggregate(perWorker).metrics();
    const rowLevel = await Promise.all(ROW_LEVEL_METRICS.map((name) => own.registry.getSingleMetricAsString(name)));
    return `${merged}\n${rowLevel.join('\n\n')}\n`;
  };
}
