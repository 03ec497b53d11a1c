import type { Endpoint } from '../../runtime/types.js';
import { httpGet } from '../http-client.js';

/** The upstream's own translation of text: what every row must wrap in `echo: ...\n`. */
export async function expectedEcho(upstream: Endpoint, text: string): Promise<string> {
  const url = `${upstream.httpUrl}/arrpi?text=${encodeURIComponent(text)}&delay_ms=0`;
  const res = await httpGet(url);
  if (res.status !== 200) throw new Error(`the upstream itself answered ${res.status} at ${url}`);
  return `echo: ${res.body}\n`;
}

export function echoUrl(target: Endpoint, params: Record<string, string>): string {
  return `${target.httpUrl}/echo?${new URLSearchParams(params).toString()}`;
}
