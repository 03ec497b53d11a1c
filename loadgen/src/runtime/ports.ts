import { readFileSync } from 'node:fs';
import net from 'node:net';
import { EXIT, LabError } from '../core/errors.js';
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
    throw new LabError(`LAB_PORT_OFFSET must be an integer from 0 to 56000, got '${raw}'`, EXIT.badInput);
  }
  const clash = ephemeralClash(n);
  if (clash) throw new LabError(clash, EXIT.badInput);
  return n;
}

/** The kernel's range for outgoing connections' local ports (net.ipv4.ip_local_port_range); undefined off Linux. */
export function ephemeralRange(file = '/proc/sys/net/ipv4/ip_local_port_range'): { low: number; high: number } | undefined {
  try {
    const [low, high] = readFileSync(file, 'utf8').trim().split(/\s+/).map(Number);
    return Number.isInteger(low) && Number.isInteger(high) ? { low: low!, high: high! } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why an offset is refused, or undefined: a lab port inside the ephemeral range can be taken by
 * any process's outgoing connection (a load test opens thousands) between two runs, and the
 * service then fails with EADDRINUSE. Refused before anything starts, naming the range and port.
 */
export function ephemeralClash(offset: number, ports: number[] = labPortsOrWeb(), range = ephemeralRange()): string | undefined {
  if (!range) return undefined;
  const inside = ports.map((p) => p + offset).filter((p) => p >= range.low && p <= range.high).sort((a, b) => a - b);
  if (inside.length === 0) return undefined;
  const highest = Math.max(...ports);
  const below = range.low - 1 - highest;
  return `LAB_PORT_OFFSET=${offset} puts port ${inside[0]}${inside.length > 1 ? ` (and ${inside.length - 1} more, up to ${inside[inside.length - 1]})` : ''} inside the kernel's ephemeral port range ${range.low}-${range.high} (net.ipv4.ip_local_port_range), where outgoing connections take their ports: choose an offset${below >= 0 ? ` of at most ${below}` : ''} or one that puts every port above ${range.high}`;
}

function labPortsOrWeb(): number[] {
  try {
    return allLabPorts();
  } catch {
    return [LAB_WEB_PORT]; // no manifests to read: the dashboard's port at least
  }
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
