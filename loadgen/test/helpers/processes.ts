import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { groupMembers } from '../../src/runtime/local/process-group.js';
import { LAB_BIN } from './paths.js';

/** The group must be empty: kill(-pgid, 0) says ESRCH and /proc has no live member. */
export async function assertGroupGone(pgid: number, label = String(pgid)): Promise<void> {
  assert.deepEqual(await groupMembers(pgid), [], `process group ${label} still has live members`);
  assert.throws(() => process.kill(-pgid, 0), (err: NodeJS.ErrnoException) => err.code === 'ESRCH', `process group ${label} still exists`);
}

export interface LabRun { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** The real CLI as a child process, bounded in time. */
export function runLab(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<LabRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LAB_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`lab ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`)); }, timeoutMs);
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr }); });
  });
}

/** Starts the CLI and resolves once its output contains `marker` (or rejects if it exits first). */
export function startLab(args: string[], env: NodeJS.ProcessEnv, marker: string, timeoutMs = 60_000): Promise<{ child: ChildProcess; out: () => string; err: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LAB_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`no '${marker}' within ${timeoutMs} ms\n${stdout}\n${stderr}`)); }, timeoutMs);
    // The marker may come on either stream (`lab verify` reports progress on stderr).
    const check = () => {
      if (stdout.includes(marker) || stderr.includes(marker)) { clearTimeout(timer); resolve({ child, out: () => stdout, err: () => stderr }); }
    };
    child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); check(); });
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); check(); });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`lab exited (${code}) before '${marker}'\n${stdout}\n${stderr}`)); });
  });
}

/** A command as a child process group, its output gathered, killed (the whole group) after timeoutMs. */
export function runCommand(command: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      output += `\n[killed after ${opts.timeoutMs} ms]`;
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
    }, opts.timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, output }); });
  });
}

/**
 * Live processes whose environment holds `key=value`: everything a lab started inherits the
 * lab's environment (services, load generators, a go build), whatever its process group.
 */
export async function processesWithEnv(key: string, value: string): Promise<{ pid: number; cmdline: string; state: string }[]> {
  const found: { pid: number; cmdline: string; state: string }[] = [];
  const needle = Buffer.from(`${key}=${value}\0`);
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state === 'Z') continue;
      const environ = await readFile(`/proc/${entry}/environ`);
      if (environ.includes(needle)) found.push({ pid: Number(entry), state, cmdline: (await readFile(`/proc/${entry}/cmdline`, 'utf8')).replace(/\0/g, ' ').trim() });
    } catch { /* ended meanwhile, or not ours to read */ }
  }
  return found;
}

/** Starts the CLI and keeps its output; resolves its exit code and signal. */
export function spawnLab(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; out: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<void> } {
  const child = spawn(process.execPath, [LAB_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  const waitFor = async (pattern: RegExp, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(out)) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no ${pattern} in the lab's output (${child.exitCode === null ? 'timeout' : `exited ${child.exitCode}`}):\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, out: () => out, exited, waitFor };
}
