import { readFile, readdir, readlink } from 'node:fs/promises';
import { parseStat } from '@concurrency-lab/proc-stats';

// The lab's /proc helpers. Process-tree stats are the proc-stats package's (one implementation
// for the Node rows' /metrics and the lab); re-exported here under the name the runtimes import. The
// async reader keeps the lab's event loop free while load runs in the same process.
export { readProcessTreeStatsAsync as readProcessTreeStats } from '@concurrency-lab/proc-stats';

/**
 * The pid of the process listening on a TCP port (for services the lab attached to rather
 * than started): LISTEN socket inode from /proc/net/tcp{,6}, then the process holding it.
 */
export async function pidListeningOn(port: number): Promise<number | undefined> {
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try { text = await readFile(table, 'utf8'); } catch { continue; }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // cols: sl local_address rem_address st ... inode(9)
      if (cols.length > 9 && cols[1]?.endsWith(`:${portHex}`) && cols[3] === '0A') inodes.add(cols[9]!);
    }
  }
  if (inodes.size === 0) return undefined;
  // Forked workers inherit the listening socket: the service's root is the holder whose
  // parent does not hold it.
  const holders: number[] = [];
  const pids = (await readdir('/proc')).filter((e) => /^\d+$/.test(e)).map(Number);
  for (const pid of pids) {
    let fds: string[];
    try { fds = await readdir(`/proc/${pid}/fd`); } catch { continue; }
    for (const fd of fds) {
      try {
        const target = await readlink(`/proc/${pid}/fd/${fd}`);
        const m = /^socket:\[(\d+)\]$/.exec(target);
        if (m && inodes.has(m[1]!)) { holders.push(pid); break; }
      } catch { /* fd closed meanwhile */ }
    }
  }
  for (const pid of holders) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').then(parseStat, () => undefined);
    if (stat && !holders.includes(stat.ppid)) return pid;
  }
  return holders[0];
}
