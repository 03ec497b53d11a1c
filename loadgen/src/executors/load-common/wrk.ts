import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WrkReport } from '../common/executor.js';

// wrk (C, epoll, Debian package `wrk`) as the independent witness of a closed-model step: the
// same URL at the same connections for the same time. Its figures come from a Lua done()
// hook printing one JSON line (exact counts and percentiles, no parsing of its text table).

export const WRK_INSTALL_HINT = 'sudo apt-get install wrk';

const REPORT_MARK = 'LAB_WRK_REPORT ';
// wrk's own CPU comes from /proc/self/stat read in done(), after its threads have stopped
// (utime + stime in USER_HZ ticks: fields 14 and 15, the 12th and 13th after the command name).
const REPORT_LUA = `
local function cpu_ticks()
  local f = io.open('/proc/self/stat', 'r')
  if not f then return -1 end
  local s = f:read('*l')
  f:close()
  local rest = s and s:match('^.*%)%s(.*)$')
  if not rest then return -1 end
  local fields = {}
  for w in rest:gmatch('%S+') do fields[#fields + 1] = w end
  return (tonumber(fields[12]) or 0) + (tonumber(fields[13]) or 0)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('${REPORT_MARK}{"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,"cpu_ticks":%d}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max, cpu_ticks()))
end
`;

export type { WrkReport };

/** The wrk binary on PATH, or undefined. */
export function findWrk(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, 'wrk');
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch { /* next */ }
  }
  return undefined;
}

/** The wrk binary, or an error that says how to install it. */
export function requireWrk(env: NodeJS.ProcessEnv = process.env): string {
  const wrk = findWrk(env);
  if (!wrk) throw new Error(`the cross-check needs wrk, which is not on PATH: install it with \`${WRK_INSTALL_HINT}\``);
  return wrk;
}

let scriptFile: string | undefined;
function reportScript(): string {
  if (!scriptFile) {
    scriptFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'lab-wrk-')), 'report.lua');
    writeFileSync(scriptFile, REPORT_LUA);
  }
  return scriptFile;
}

export interface WrkOptions {
  url: string;
  connections: number;
  durationS: number;
  /** Per-request timeout (wrk's default is 2 s; the lab's closed model uses 10 s). */
  timeoutS: number;
  threads?: number;
  signal?: AbortSignal;
}

/** One bounded wrk run; rejects with wrk's output when it fails or prints no report. */
export function runWrk(o: WrkOptions): Promise<WrkReport> {
  const wrk = requireWrk();
  const threads = Math.max(1, Math.min(o.threads ?? 1, o.connections));
  const seconds = Math.max(1, Math.round(o.durationS));
  const args = [`-t${threads}`, `-c${o.connections}`, `-d${seconds}s`, `--timeout`, `${o.timeoutS}s`, '-s', reportScript(), o.url];
  return new Promise((resolve, reject) => {
    const child = spawn(wrk, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const kill = setTimeout(() => child.kill('SIGKILL'), (seconds + o.timeoutS + 10) * 1000);
    const onAbort = () => child.kill('SIGINT');
    o.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', (e) => finish(e));
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(REPORT_MARK));
      if (!line) return finish(new Error(`wrk ${args.join(' ')} exited ${code} without a report: ${(err || out).trim().slice(0, 400)}`));
      try {
        finish(undefined, toReport(JSON.parse(line.slice(REPORT_MARK.length))));
      } catch (e) {
        finish(e as Error);
      }
    });
    function finish(e?: Error, r?: WrkReport) {
      clearTimeout(kill);
      o.signal?.removeEventListener('abort', onAbort);
      if (e) reject(e);
      else resolve(r!);
    }
  });
}

interface RawReport { requests: number; duration_us: number; bytes: number; connect: number; read: number; write: number; status: number; timeout: number; p50_us: number; p99_us: number; max_us: number; cpu_ticks: number }

function toReport(raw: RawReport): WrkReport {
  const durationS = raw.duration_us / 1e6;
  const ok = Math.max(0, raw.requests - raw.status);
  const hasLatency = raw.requests > 0;
  return {
    requests: raw.requests,
    ok,
    durationS,
    rps: durationS > 0 ? ok / durationS : 0,
    latencyMs: hasLatency ? { p50: raw.p50_us / 1000, p99: raw.p99_us / 1000, max: raw.max_us / 1000 } : { p50: null, p99: null, max: null },
    errors: raw.connect + raw.read + raw.write + raw.timeout + raw.status,
    cpuSeconds: raw.cpu_ticks >= 0 ? raw.cpu_ticks / 100 : null,
  };
}
