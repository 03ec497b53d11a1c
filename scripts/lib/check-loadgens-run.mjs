// Reads the results of swarm-e2e.sh's "lab run --loadgens 2" stage (node check-loadgens-run.mjs
// results.json [WORKER]): two generators, 3 + 3 connections; the step's requests are their sum;
// each has its CPU and its node (the worker's, when there is a second node); percentiles present.
import { readFileSync } from 'node:fs';

const [file, worker] = process.argv.slice(2);
const results = JSON.parse(readFileSync(file, 'utf8'));
const step = results.targets[0].steps[0];
const gens = step.loadgen.generators ?? [];
const problems = [];
if (results.environment.runtime !== 'swarm') problems.push(`runtime ${results.environment.runtime}`);
if (gens.length !== 2) problems.push(`${gens.length} generators`);
if (gens.map((g) => g.load).join() !== '3,3') problems.push(`shares ${gens.map((g) => g.load)}`);
if (step.requests !== gens.reduce((n, g) => n + g.requests, 0)) problems.push(`requests ${step.requests} != sum of ${gens.map((g) => g.requests)}`);
if (!gens.every((g) => g.ok > 0 && g.cpu_seconds > 0)) problems.push(`generators ${JSON.stringify(gens)}`);
if (worker && !gens.every((g) => g.host.includes(worker))) problems.push(`not on the worker node ${worker}: ${gens.map((g) => g.host)}`);
if (!(step.latency_ms.p99 > 0)) problems.push(`p99 ${step.latency_ms.p99}`);
if (problems.length) { console.error(`results.json (--loadgens 2): ${problems.join('; ')}`); process.exit(1); }
console.log(`results.json: 2 generators (${gens.map((g) => `${g.requests} req, ${g.cpu_seconds} CPU s on ${g.host}`).join('; ')}), step ${step.requests} req, p99 ${step.latency_ms.p99} ms`);
