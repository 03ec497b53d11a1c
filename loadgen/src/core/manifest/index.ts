export { discoverServices, upstreamOf, implementationsOf, selectTargets } from './discover.js';
export { repoRoot, defaultServicesDir, schemaPath } from './repo-root.js';
