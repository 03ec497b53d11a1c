// What other rows reuse of this one (node-cluster runs it in every worker): the row as a
// library. The executable is main.ts.
export { serveEchoRow, type ServeOptions, type ServingRow } from './serve.js';
export type { ExperimentLock } from './http-server.js';
