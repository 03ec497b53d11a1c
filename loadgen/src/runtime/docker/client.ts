import Docker from 'dockerode';
import { EXIT, LabError } from '../../core/errors.js';

// One Docker API client per runtime. DOCKER_HOST is honoured (unix:// or tcp://) the way the
// docker CLI does; otherwise the default socket. A daemon that does not answer is a LabError
// (exit 2) that says what to check, never a stack trace.

export interface DockerConnection {
  docker: Docker;
  /** Where we connected, for messages. */
  where: string;
}

export function dockerFromEnv(env: NodeJS.ProcessEnv = process.env): DockerConnection {
  const host = env.DOCKER_HOST;
  if (!host) return { docker: new Docker({ socketPath: '/var/run/docker.sock' }), where: 'unix:///var/run/docker.sock' };
  if (host.startsWith('unix://')) return { docker: new Docker({ socketPath: host.slice('unix://'.length) }), where: host };
  const m = /^tcp:\/\/([^:/]+):(\d+)\/?$/.exec(host);
  if (m) return { docker: new Docker({ host: m[1], port: Number(m[2]), protocol: 'http' }), where: host };
  throw new LabError(`DOCKER_HOST='${host}' is not supported: use unix:///path/to/docker.sock or tcp://host:port`, EXIT.badInput);
}

/** Pings the daemon with a deadline; the error names the socket and the usual fixes. */
export async function connectDocker(env: NodeJS.ProcessEnv = process.env, timeoutMs = 5000): Promise<DockerConnection> {
  const conn = dockerFromEnv(env);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      conn.docker.ping(),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs); }),
    ]);
  } catch (err) {
    const reason = (err as { code?: string }).code ?? (err as Error).message;
    throw new LabError(
      `cannot reach the Docker daemon at ${conn.where} (${reason}). Is dockerd running, and may this user use its socket `
        + '(root, or a member of group docker)? Start the stack with `docker compose up -d`, or use --runtime local.',
      EXIT.badInput,
    );
  } finally {
    clearTimeout(timer);
  }
  return conn;
}
