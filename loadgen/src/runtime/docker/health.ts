import type Docker from 'dockerode';
import { isHealthy } from '../local/health.js';

// A container is ready when it runs and the lab itself gets 200 from its /healthz: that is
// what matters to the lab. Docker's own health status is not required: under heavy load its
// probe (a fresh interpreter per check) times out while the service answers fine. Restarts
// cannot race an old process either: the restart API returns once the new one is started.

export type ContainerReadiness = 'healthy' | 'timeout' | 'exited';

export async function waitContainerReady(
  container: Docker.Container,
  httpUrl: string,
  timeoutMs: number,
): Promise<{ result: ContainerReadiness; info?: Docker.ContainerInspectInfo }> {
  const deadline = Date.now() + timeoutMs;
  let info: Docker.ContainerInspectInfo | undefined;
  for (;;) {
    info = await container.inspect();
    const state = info.State;
    const restarting = state.Restarting || state.Status === 'restarting';
    if (!state.Running && !restarting) return { result: 'exited', info };
    if (!restarting && (await isHealthy(httpUrl))) {
      return { result: 'healthy', info };
    }
    if (Date.now() >= deadline) return { result: 'timeout', info };
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The last lines of a container's log, for error messages. */
export async function containerLogTail(container: Docker.Container, lines = 20): Promise<string> {
  try {
    const buf = (await container.logs({ stdout: true, stderr: true, tail: lines, follow: false })) as unknown as Buffer;
    return demuxLogs(buf).trimEnd();
  } catch {
    return '';
  }
}

/** Docker multiplexes stdout/stderr of a non-TTY container in 8-byte-headed frames. */
export function demuxLogs(buf: Buffer): string {
  const parts: string[] = [];
  let i = 0;
  while (i + 8 <= buf.length && (buf[i] === 0 || buf[i] === 1 || buf[i] === 2) && buf[i + 1] === 0) {
    const size = buf.readUInt32BE(i + 4);
    parts.push(buf.subarray(i + 8, i + 8 + size).toString('utf8'));
    i += 8 + size;
  }
  // A TTY container's log is raw text.
  return i === 0 ? buf.toString('utf8') : parts.join('');
}
