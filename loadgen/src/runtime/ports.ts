import net from 'node:net';
import { discoverServices } from '../core/manifest/discover.js';
import type { ServiceManifest } from './types.js';

// Every service's ports are in its manifest (services/<row>/service.json); the lab's web port is 8080.
// LAB_PORT_OFFSET shifts all of them together, so that tests and parallel local labs do not
// collide with a lab (or Docker stack) already on the fixed ports.

export const LAB_WEB_PORT = 8080;

export function portOffset(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.LAB_PORT_OFFSET;
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 56000) {
    throw new Error(`LAB_PORT_OFFSET must be an integer from 0 to 56000, got '${raw}'`);
  }
  return n;
}

export function portsOf(manifest: Pick<ServiceManifest, 'ports'>, offset: number): { http: number; line?: number } {
  return {
    http: manifest.ports.http + offset,
    line: manifest.ports.line === undefined ? undefined : manifest.ports.line + offset,
  };
}

export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/**
 * An offset (a multiple of 100 from 10000 to 23000) under which every port the lab uses is free.
 * Tests call this so that they never touch the fixed ports. The highest shifted port (9000 + offset
 * with today's manifests) stays below 32768, where Linux's ephemeral range starts: above it, an outgoing connection of any
 * process may take a service's port between our check and its bind.
 */
export async function findFreePortOffset(ports: number[] = allLabPorts()): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const offset = 10000 + 100 * Math.floor(Math.random() * 131);
    const checks = await Promise.all(ports.map((p) => isPortFree(p + offset)));
    if (checks.every(Boolean)) return offset;
  }
  throw new Error('no free port offset found for the lab ports');
}

/** Every port of the manifests (rows' HTTP and line ports, upstream) and the lab web port. */
export function allLabPorts(manifests: Array<Pick<ServiceManifest, 'ports'>> = discoverServices()): number[] {
  const ports = [LAB_WEB_PORT];
  for (const m of manifests) ports.push(m.ports.http, ...(m.ports.line === undefined ? [] : [m.ports.line]));
  return ports;
}
