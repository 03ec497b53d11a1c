// Reads the results of scripts/lib/e2e-faults.yaml (node check-fault-run.mjs results.json RUNTIME)
// and fails, naming what is missing, unless every step of every row recorded its four events
// as applied and ended, a downtime for the kill and the restart, the runtime's crash and
// restart (supervision), a recovery per event measured against a baseline, and retries that backed off (step.reconnects).
import { readFileSync } from 'node:fs';

const [file, runtime] = process.argv.slice(2);
const results = JSON.parse(readFileSync(file, 'utf8'));
const problems = [];
if (results.environment?.runtime !== runtime) problems.push(`environment.runtime is ${results.environment?.runtime}, expected ${runtime}`);
if (results.status !== 'complete') problems.push(`status ${results.status}`);
const lines = [];
const notes = [];
for (const target of results.targets) {
  const step = target.steps[0];
  const say = (m) => problems.push(`${target.name}: ${m}`);
  if (target.failed) say(`failed: ${target.failed}`);
  if (!step) { say('no step'); continue; }
  const events = step.events ?? [];
  const kinds = events.map((e) => e.kind).join(',');
  if (kinds !== 'kill,pause,restart,upstream') say(`events ${kinds || 'none'}, expected kill,pause,restart,upstream`);
  for (const e of events) {
    if (e.outcome !== 'ok') say(`${e.kind}: ${e.outcome} (${e.message})`);
    if (e.end_s === null || e.end_s === undefined) say(`${e.kind}: never ended (${e.message})`);
    if ((e.kind === 'kill' || e.kind === 'restart') && !(e.downtime_s > 0)) say(`${e.kind}: downtime_s ${e.downtime_s}`);
  }
  const life = (step.supervision ?? []).map((l) => l.kind);
  if (!life.includes('crashed') || !life.includes('restarted')) say(`supervision ${life.join(',') || 'empty'}: the kill's crash and restart are not recorded`);
  const recovery = step.recovery ?? [];
  if (recovery.length !== events.length) say(`${recovery.length} recoveries for ${events.length} events`);
  for (const r of recovery) {
    if (!(r.baseline_rps > 0)) say(`${r.kind} at ${r.t_s} s: no baseline req/s to recover to`);
    // Back within 10% of the baseline is a figure, not a condition: on a busy machine a row's
    // start-up (Python imports, the JIT) can keep req/s low for the rest of the step. That the
    // row itself came back is end_s above.
    if (!r.recovered) notes.push(`${target.name}: ${r.kind} at ${r.t_s} s: req/s not back within 10% by the end of the step (${r.failed_requests} failed requests, ${r.connection_errors} connection errors meanwhile)`);
  }
  // Retries back off while the row is down (issue 20): counted apart, with the time it refused.
  const rc = step.reconnects;
  if (!rc) say('no reconnects record (retries with backoff and the time unreachable)');
  else {
    if (!(rc.unreachable_s > 0)) say(`reconnects.unreachable_s ${rc.unreachable_s}: the kill and the restart should leave the row refusing connections for a while`);
    // 10 connections, two outages (kill, restart): about 6 retries each to reach 1 s apart, then one a second.
    const bound = 10 * (12 + 2 * rc.unreachable_s);
    if (rc.attempts > bound) say(`${rc.attempts} retries in ${rc.unreachable_s} s unreachable: more than the backoff allows (${bound})`);
  }
  if (!(step.requests > 0)) say(`${step.requests} requests`);
  lines.push(`${target.name}: ${events.map((e) => `${e.kind} ${e.downtime_s !== undefined && e.downtime_s !== null ? `down ${e.downtime_s} s` : `${e.t_s}-${e.end_s} s`}`).join(', ')}; recovered in ${recovery.map((r) => `${r.recovery_s} s`).join(', ')}` +
    (rc ? `; unreachable ${rc.unreachable_s} s, ${rc.attempts} retries` : ''));
}
if (problems.length) {
  console.error(`results.json (e2e-faults): ${problems.join('; ')}`);
  process.exit(1);
}
console.log([...lines, ...notes.map((n) => `note: ${n}`)].join('\n'));
