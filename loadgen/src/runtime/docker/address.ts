import { existsSync } from 'node:fs';
import type Docker from 'dockerode';
import { EXIT, LabError } from '../../core/errors.js';
import type { Endpoint, ServiceManifest } from '../types.js';
import { COMPOSE_SERVICE_LABEL } from './discover.js';

// How the lab process reaches a container depends on where both of them sit:
//   container on the host's network            -> 127.0.0.1:<its port>
//   container publishes its port on the host   -> 127.0.0.1:<published port>
//   neither, and the lab runs inside a container -> <compose service name>:<its port>
// "Inside a container" (/.dockerenv) cannot tell whether the lab shares the rows' network
// (the lab's host may itself be a container), so auto prefers loopback whenever it exists.
// The compose `lab` service says what it wants: LAB_DOCKER_ADDRESS=service on the compose
// network, loopback with host networking.

export type AddressMode = 'auto' | 'loopback' | 'service';

export function addressModeFromEnv(env: NodeJS.ProcessEnv = process.env): AddressMode {
  const raw = env.LAB_DOCKER_ADDRESS ?? 'auto';
  if (raw === '' || raw === 'auto') return 'auto';
  if (raw === 'loopback' || raw === 'service') return raw;
  throw new LabError(`LAB_DOCKER_ADDRESS must be auto, loopback or service, got '${raw}'`, EXIT.badInput);
}

/** Whether this process runs inside a container (Docker writes /.dockerenv in every one). */
export function insideContainer(): boolean {
  return existsSync('/.dockerenv');
}

/** What the port helpers read: a container's (or a swarm task's) environment. */
export interface WithEnv { Config: { Env?: string[] } }

function envOf(info: WithEnv): Map<string, string> {
  const env = new Map<string, string>();
  for (const kv of info.Config.Env ?? []) {
    const eq = kv.indexOf('=');
    if (eq > 0) env.set(kv.slice(0, eq), kv.slice(eq + 1));
  }
  return env;
}

function portFromEnv(env: Map<string, string>, key: string, fallback: number | undefined): number | undefined {
  const raw = env.get(key);
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : fallback;
}

/** The ports the service listens on inside its container: its PORT/LINE_PORT, else the manifest's. */
export function containerPorts(info: WithEnv, manifest: ServiceManifest): { http: number; line?: number } {
  const env = envOf(info);
  return {
    http: portFromEnv(env, 'PORT', manifest.ports.http)!,
    line: manifest.ports.line === undefined ? undefined : portFromEnv(env, 'LINE_PORT', manifest.ports.line),
  };
}

export function upstreamTimeoutOf(info: WithEnv): number | undefined {
  const raw = envOf(info).get('UPSTREAM_TIMEOUT_MS');
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

function publishedPort(info: Docker.ContainerInspectInfo, port: number): number | undefined {
  const bindings = (info.NetworkSettings.Ports ?? {})[`${port}/tcp`] ?? [];
  // Prefer an IPv4 binding reachable on loopback (127.0.0.1 or all addresses).
  const usable = bindings.find((b) => b.HostIp === '127.0.0.1' || b.HostIp === '0.0.0.0' || b.HostIp === '');
  return usable ? Number(usable.HostPort) : undefined;
}

function serviceHost(info: Docker.ContainerInspectInfo): string {
  return info.Config.Labels?.[COMPOSE_SERVICE_LABEL] ?? info.Name.replace(/^\//, '');
}

export function endpointOf(info: Docker.ContainerInspectInfo, manifest: ServiceManifest, mode: AddressMode, labInContainer = insideContainer()): Endpoint {
  const ports = containerPorts(info, manifest);
  const hostNetwork = info.HostConfig.NetworkMode === 'host';
  const published = hostNetwork ? undefined : publishedPort(info, ports.http);
  const useService = mode === 'service' || (mode === 'auto' && !hostNetwork && published === undefined && labInContainer);
  let host: string;
  let http: number;
  let line: number | undefined;
  if (useService) {
    host = serviceHost(info);
    http = ports.http;
    line = ports.line;
  } else if (hostNetwork) {
    host = '127.0.0.1';
    http = ports.http;
    line = ports.line;
  } else {
    if (published === undefined) {
      throw new LabError(
        `${manifest.name}: container ${info.Name.replace(/^\//, '')} neither uses host networking nor publishes port ${ports.http}, `
          + 'so the lab cannot reach it from this host. Start it with docker-compose.override.yml (ports) or docker-compose.hostnet.yml, '
          + 'or run the lab inside the compose network (the `lab` service, or LAB_DOCKER_ADDRESS=service).',
        EXIT.badInput,
      );
    }
    host = '127.0.0.1';
    http = published;
    line = ports.line === undefined ? undefined : publishedPort(info, ports.line);
  }
  const httpUrl = `http://${host}:${http}`;
  return {
    name: manifest.name,
    manifest,
    httpUrl,
    line: line === undefined ? undefined : { host, port: line },
    metricsUrl: `${httpUrl}/metrics`,
    upstreamTimeoutMs: upstreamTimeoutOf(info),
  };
}
