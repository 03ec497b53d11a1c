import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { installStopSignals } from '../lab-stop.js';

// Each service runs in its own process group (detached), so that stopping it reaches every
// process it forked, and the lab's own Ctrl-C does not hit the services before the lab
// decides to stop them.

const liveGroups = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' also fires when the lab dies of an uncaught exception: the services must not
  // outlive it. Only synchronous work is possible here, hence SIGKILL.
  process.on('exit', () => {
    for (const pgid of liveGroups) signalGroup(pgid, 'SIGKILL');
  });
  // Node's default on SIGINT/SIGTERM is to die at once without 'exit' handlers: the services
  // would be orphaned. lab-stop.ts owns those signals and stops the groups in order.
  installStopSignals();
}

export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: nothing left in the group
  }
}

/** Live (non-zombie) processes of a process group, from /proc. */
export async function groupMembers(pgid: number): Promise<number[]> {
  const members: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = await readFile(`/proc/${entry}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') members.push(Number(entry));
    } catch { /* ended meanwhile */ }
  }
  return members;
}

export interface SpawnedService {
  child: ChildProcess;
  pgid: number;
}

export function spawnInGroup(command: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; logFile: string }): SpawnedService {
  installExitHook();
  const logFd = openSync(opts.logFile, 'a');
  try {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['ignore', logFd, logFd] });
    if (child.pid === undefined) {
      // spawn failures (ENOENT...) arrive as an 'error' event; the caller waits for it.
      return { child, pgid: -1 };
    }
    liveGroups.add(child.pid);
    child.once('exit', () => {
      // The leader is gone; forked members may remain, stopGroup still reaches them.
      void groupMembers(child.pid!).then((m) => { if (m.length === 0) liveGroups.delete(child.pid!); });
    });
    return { child, pgid: child.pid };
  } finally {
    closeSync(logFd); // the child holds its own copy
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await groupMembers(pgid)).length === 0) return true;
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
}

/** SIGTERM the group, give it graceTimeMs to finish in-flight work, then SIGKILL what is left. */
export async function stopGroup(service: SpawnedService, graceTimeMs = 10_000): Promise<{ forced: boolean }> {
  const { child, pgid } = service;
  if (pgid <= 0) return { forced: false };
  const leaderExited = child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(pgid, 'SIGTERM');
  let forced = false;
  if (!(await waitGroupGone(pgid, graceTimeMs))) {
    forced = true;
    signalGroup(pgid, 'SIGKILL');
    await waitGroupGone(pgid, 5_000);
  }
  // Make sure Node has reaped the leader, so no zombie is left behind either.
  await Promise.race([leaderExited, sleep(2_000)]);
  liveGroups.delete(pgid);
  return { forced };
}
