// What other rows reuse of this one (node-cluster runs it in every worker): the row as a
// library. main.ts is also the executable; importing it starts nothing.
export { serveEchoRow, type ServeOptions, type ServingRow } from './main.js';
export type { ExperimentLock } from './http-server.js';
