import { isIP } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';

// The dashboard can start runs and read every result: it must answer only its own origin.
// DNS rebinding: a page on evil.example re-points its name at 127.0.0.1, and the browser then
// sends the lab requests with `Host: evil.example` (and the page reads the answers, as same
// origin). A name the lab does not know is refused, whatever the port. IP literals are fine: a
// rebinding needs a name. Cross-site writes: a POST from another origin carries its Origin
// header (and Sec-Fetch-Site: cross-site); JSON only, so that no HTML form can post either.

/** Names always served: this machine by its loopback names. */
const LOOPBACK_NAMES = ['localhost', 'localhost.localdomain'];

export interface OriginGuardOptions {
  /** The address the server binds (a name or an IP). */
  bind: string;
  /** More host names (LAB_ALLOWED_HOSTS, comma-separated): the compose service name `lab`, a machine's DNS name. */
  allowedHosts?: string[];
}

/** LAB_ALLOWED_HOSTS=lab,lab.example.org -> ['lab', 'lab.example.org'] (ports dropped, lower case). */
export function allowedHostsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.LAB_ALLOWED_HOSTS ?? '').split(',').map((h) => hostnameOf(h.trim())).filter((h) => h !== '');
}

/** The name part of a Host header or an origin's host: `[::1]:8080` -> `::1`, `Lab:80` -> `lab`. */
export function hostnameOf(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') > 0 ? h.indexOf(']') : undefined);
  const colon = h.lastIndexOf(':');
  return colon >= 0 && h.indexOf(':') === colon ? h.slice(0, colon) : h;
}

export function hostAllowed(host: string | undefined, opts: OriginGuardOptions): boolean {
  if (host === undefined) return true; // HTTP/1.0 without Host: not a browser
  const name = hostnameOf(host);
  if (name === '') return false;
  if (isIP(name) !== 0) return true;
  if (LOOPBACK_NAMES.includes(name) || name.endsWith('.localhost')) return true;
  return name === hostnameOf(opts.bind) || (opts.allowedHosts ?? []).includes(name);
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Why a request is refused (403), or undefined when it may go on. */
export function refusal(req: Pick<FastifyRequest, 'method' | 'headers'>, opts: OriginGuardOptions): { status: number; error: string } | undefined {
  const host = req.headers.host;
  if (!hostAllowed(host, opts)) {
    return { status: 403, error: `Host '${host}' is not this lab's address: the dashboard answers its own origin only (add a name with LAB_ALLOWED_HOSTS=name)` };
  }
  if (!WRITES.has(req.method)) return undefined;
  const origin = req.headers.origin;
  if (origin !== undefined && !sameOrigin(origin, host)) {
    return { status: 403, error: `a ${req.method} from origin '${origin}' is refused: only pages of this lab (${host}) may change it` };
  }
  if (req.headers['sec-fetch-site'] === 'cross-site') {
    return { status: 403, error: `a cross-site ${req.method} is refused: only pages of this lab may change it` };
  }
  const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    return { status: 415, error: `a ${req.method} must send JSON (Content-Type: application/json), got '${type || 'none'}'` };
  }
  return undefined;
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === new URL(`${url.protocol}//${host}`).host;
  } catch {
    return false; // 'null' (a sandboxed page, a file:) or garbage
  }
}

/** A fastify onRequest hook refusing other origins with `{ error }`. */
export function originGuard(opts: OriginGuardOptions): (req: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return async (req, reply) => {
    const refused = refusal(req, opts);
    if (refused) await reply.code(refused.status).send({ error: refused.error });
  };
}
