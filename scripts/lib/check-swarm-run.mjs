// Reads the results of swarm-e2e.sh's "lab run" stage (node check-swarm-run.mjs results.json):
// runtime swarm, every step measured with requests and server CPU/RSS; the rows ran on this
// node, so their container figures (with the limit) are there too.
import { readFileSync } from 'node:fs';

const results = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const problems = [];
if (results.environment?.runtime !== 'swarm') problems.push(`environment.runtime is ${results.environment?.runtime}`);
const steps = [];
(function walk(node) {
  if (Array.isArray(node)) return node.forEach(walk);
  if (node === null || typeof node !== 'object') return;
  if (node.server && typeof node.server === 'object' && 'cpu_seconds' in node.server) steps.push(node);
  Object.values(node).forEach(walk);
})(results);
if (steps.length < 2) problems.push(`${steps.length} measured steps, expected 2`);
for (const s of steps) {
  if (!(s.requests > 0)) problems.push(`a step has ${s.requests} requests`);
  if (!(s.server.cpu_seconds > 0)) problems.push(`a step has server.cpu_seconds ${s.server.cpu_seconds}`);
  if (s.server.container?.cpu_limit !== 1) problems.push(`a step has container ${JSON.stringify(s.server.container)}, expected cpu_limit 1`);
}
if (problems.length) { console.error(`results.json: ${problems.join('; ')}`); process.exit(1); }
console.log(`results.json: runtime swarm, ${steps.length} steps with requests, server CPU and the limit`);
