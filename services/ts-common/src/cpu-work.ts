import { createHash } from 'node:crypto';

// The fixed CPU work behind `cpu_iters` (README: "The cpu_iters work"). Every row, Node or
// Python, does exactly this so that the rows burn the same CPU per request:
//   digest = UTF-8 bytes of the text
//   repeat cpu_iters times: digest = sha256(digest)      (32 bytes from the first round on)
// The result is not sent to the client; it is returned here so tests can compare rows.

export function cpuWork(text: string, iters: number): string {
  let digest: Buffer = Buffer.from(text, 'utf8');
  for (let i = 0; i < iters; i++) digest = createHash('sha256').update(digest).digest();
  return digest.toString('hex');
}
