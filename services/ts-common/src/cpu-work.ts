import { createHash } from 'node:crypto';

// The CPU work a request may ask for after its fetch. The fixed work behind `cpu_iters` (README: "The cpu_iters work"). Every row, Node or
// Python, does exactly this so that the rows burn the same CPU per request:
//   digest = UTF-8 bytes of the text
//   repeat cpu_iters times: digest = sha256(digest)      (32 bytes from the first round on)
// The result is not sent to the client; it is returned here so tests can compare rows.

/**
 * `cpu_ms` (contract/README.md, /echo): busy work until this process has used `ms` more
 * milliseconds of CPU by process.cpuUsage() (user + system): the same CPU time in every row,
 * whatever a hash round costs here. On the event loop's thread it blocks every client, as the
 * job does in a single-threaded loop. Returns the CPU milliseconds used (>= ms).
 */
let sink = 0; // where the busy loop's result goes, so that it is not optimised away

export function burnCpuMs(ms: number): number {
  const start = process.cpuUsage();
  const target = ms * 1000;
  let used = 0;
  let x = 0;
  while (used < target) {
    // ~10 us of work between two reads of the clock (a getrusage call, ~1 us).
    for (let i = 0; i < 2000; i++) x = (x + i) ^ (x >>> 1);
    const d = process.cpuUsage(start);
    used = d.user + d.system;
  }
  sink ^= x;
  return used / 1000;
}

export function cpuWork(text: string, iters: number): string {
  let digest: Buffer = Buffer.from(text, 'utf8');
  for (let i = 0; i < iters; i++) digest = createHash('sha256').update(digest).digest();
  return digest.toString('hex');
}
