import cluster from 'node:cluster';

// node-cluster: node-eventloop's code on every core, under node:cluster. The same file starts
// the primary and, forked by it, each worker.
// Env: as node-eventloop (PORT, LINE_PORT, UPSTREAM_URL required; UPSTREAM_TIMEOUT_MS, BIND),
// plus WORKERS (1..64, default one per core).

if (cluster.isPrimary) await import('./primary.js');
else await import('./worker.js');
