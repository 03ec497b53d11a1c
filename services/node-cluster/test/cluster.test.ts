import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { readProcessTreeStats, type RunningService } from '@concurrency-lab/ts-common';
import { answeringPids, getOnce, metrics, ROW_MAIN, rowEnv, sample, startRow, startUpstream, waitFor, type Row } from './fixture.js';

// What the cluster adds to node-eventloop's row: several workers share the sockets, /metrics
// adds them up, a dead worker is replaced, /overhead has one slot per row, WORKERS is checked.
// Ports: offset 4200 (this file's; node-cluster's test range is 4000-4900), 4250 for rows
// that must not share the first one's ports.

const OFFSET = 4200;
const WORKERS = 2;
let upstream: RunningService;
let row: Row;

before(async () => {
  upstream = await startUpstream(OFFSET, { UPSTREAM_DELAY_MS: '10' });
  row = await startRow(OFFSET, { WORKERS: String(WORKERS) }, WORKERS);
});
after(async () => {
  await row?.svc.stop('SIGKILL');
  await upstream?.stop('SIGKILL');
});

/** One line on a new line-protocol connection, its answer. */
function lineOnce(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const s = net.connect({ port, host: '127.0.0.1' }, () => s.end(`${text}\n`));
    s.setEncoding('utf8').on('data', (c: string) => (got += c));
    s.on('error', reject);
    s.on('close', () => resolve(got));
  });
}

describe('the workers share the sockets and /metrics adds them up', () => {
  test('fresh connections are answered by every worker, and the counters sum to the requests sent', async () => {
    const ok = (m: string, protocol: string) => sample(m, 'lab_requests_total', `protocol="${protocol}",outcome="ok"`)!;
    const before = await metrics(row);
    const pids = new Set<number>();
    const sent = 20;
    for (let i = 0; i < sent; i++) {
      const r = await getOnce(`${row.svc.baseUrl}/echo?text=hello&delay_ms=0`);
      assert.equal(r.body, 'echo: ahoy\n');
      pids.add(r.workerPid);
    }
    for (let i = 0; i < 6; i++) assert.equal(await lineOnce(row.linePort, 'friend'), 'echo: matey\n');
    assert.equal(pids.size, WORKERS, `answered by ${[...pids].join(', ')}`);
    const after = await metrics(row);
    // With 'first' or one worker's registry this would be about half.
    assert.equal(ok(after, 'http') - ok(before, 'http'), sent);
    assert.equal(ok(after, 'line') - ok(before, 'line'), 6);
    assert.equal(sample(after, 'lab_request_duration_seconds_count', 'protocol="http"')! - sample(before, 'lab_request_duration_seconds_count', 'protocol="http"')!, sent);
  });

  test('lab_info tells the truth and appears once; ELU stays a share', async () => {
    const m = await metrics(row);
    assert.equal(m.match(/^lab_info\{/gm)?.length, 1);
    assert.match(m, new RegExp(`^lab_info\\{model="Node\\.js cluster, ${WORKERS} workers [^"]*",language="typescript",runtime="node [^"]+",impl="node-cluster"\\} 1$`, 'm'));
    const elu = sample(m, 'lab_event_loop_utilization')!;
    assert.ok(elu >= 0 && elu <= 1, `lab_event_loop_utilization ${elu}`);
    for (const name of ['lab_os_threads', 'process_cpu_seconds_total', 'process_resident_memory_bytes']) {
      assert.equal(m.match(new RegExp(`^${name}\\{`, 'gm'))?.length, 1, name);
    }
  });

  test('threads, CPU and RSS cover the primary and every worker (the tree the lab samples too)', async () => {
    const tree = readProcessTreeStats(row.svc.pid)!;
    assert.equal(tree.processes, 1 + WORKERS, 'the lab samples the tree rooted at the primary: it must hold the workers');
    // Node's thread count is steady when idle; the primary's metric reads the same tree.
    await waitFor(
      'lab_os_threads to equal the whole tree',
      async () => [sample(await metrics(row), 'lab_os_threads')!, readProcessTreeStats(row.svc.pid)!.osThreads],
      ([metric, tree]) => metric === tree,
    );
    const rss = sample(await metrics(row), 'process_resident_memory_bytes')!;
    const primaryAlone = readProcessTreeStats(row.svc.pid)!.rssBytes / (1 + WORKERS);
    assert.ok(rss > 2 * primaryAlone, `RSS ${rss} looks like one process`);
  });
});

describe('/overhead', () => {
  test('one experiment per row: a second one gets 409 from any worker, and the first answers', async () => {
    const first = getOnce(`${row.svc.baseUrl}/overhead?workers=1&tasks=150&sleep_ms=10`);
    const conflicts = new Set<number>();
    for (let i = 0; i < 60 && conflicts.size < WORKERS; i++) {
      await new Promise((r) => setTimeout(r, 20));
      const r = await getOnce(`${row.svc.baseUrl}/overhead?workers=1&tasks=1&sleep_ms=0`);
      if (r.status === 409) {
        assert.match(r.body, /already running/);
        conflicts.add(r.workerPid);
      }
    }
    const done = await first;
    assert.equal(done.status, 200);
    assert.equal(conflicts.size, WORKERS, `409 only from ${[...conflicts].join(', ')} while ${done.workerPid} ran it`);
    // Released before the answer left: the next one may start at once, on any worker.
    for (let i = 0; i < WORKERS; i++) assert.equal((await getOnce(`${row.svc.baseUrl}/overhead?workers=1&tasks=1&sleep_ms=0`)).status, 200);
  });
});

describe('a worker that dies', () => {
  test('is replaced: the primary logs it and the row is back to WORKERS workers', async () => {
    const pids = await answeringPids(row, 4);
    assert.equal(pids.size, WORKERS);
    const victim = [...pids][0]!;
    process.kill(victim, 'SIGKILL');
    const now = await waitFor(
      `a new worker in place of ${victim}; the row's stderr: ${row.svc.stderr()}`,
      () => answeringPids(row, 4),
      (p) => p.size === WORKERS && !p.has(victim),
    );
    assert.match(row.svc.stderr(), new RegExp(`worker ${victim} exited \\(signal SIGKILL\\); starting a new one`));
    assert.equal(readProcessTreeStats(row.svc.pid)!.processes, 1 + WORKERS);
    const m = await metrics(row);
    assert.match(m, /^lab_info\{/m);
    assert.ok([...now].every((pid) => pid !== victim));
  });
});

describe('the primary', () => {
  test('SIGTERM to the primary alone (docker stop): in-flight requests finish, every worker exits, exit 0', async () => {
    const own = await startRow(OFFSET + 50, { WORKERS: String(WORKERS), UPSTREAM_URL: `http://127.0.0.1:${9000 + OFFSET}` }, WORKERS);
    try {
      const workers = await answeringPids(own, 4);
      const pending = getOnce(`${own.svc.baseUrl}/echo?text=you&delay_ms=500`);
      await waitFor('the request in flight', () => metrics(own), (m) => sample(m, 'lab_inflight_requests', 'protocol="http"') === 1);
      const exit = own.svc.stop('SIGTERM');
      const answered = await pending;
      assert.equal(answered.body, 'echo: ye\n');
      assert.deepEqual(await exit, { code: 0, signal: null });
      for (const pid of workers) assert.throws(() => process.kill(pid, 0), /ESRCH/, `worker ${pid} outlived the primary`);
    } finally {
      await own.svc.stop('SIGKILL');
    }
  });

  test('a worker that cannot start stops the row with exit 1 instead of restarting forever', async () => {
    const env = rowEnv(OFFSET + 50, { WORKERS: '2' });
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(Number(env.LINE_PORT), '127.0.0.1', resolve));
    try {
      // The kernel refuses the bind while this process only holds the port, so blocking here is fine.
      const r = spawnSync(process.execPath, [ROW_MAIN], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 20_000 });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`cannot listen .*EADDRINUSE 127\\.0\\.0\\.1:${env.LINE_PORT}`));
      assert.match(r.stderr, /exited \(code 1\) before it was ready; stopping the row\n$/);
    } finally {
      blocker.close();
    }
  });

  test('WORKERS is validated before anything starts: exit 2 naming the variable', () => {
    for (const bad of ['0', '65', 'two', '1.5']) {
      const r = spawnSync(process.execPath, [ROW_MAIN], { env: { ...process.env, ...rowEnv(OFFSET + 50, { WORKERS: bad }) }, encoding: 'utf8', timeout: 20_000 });
      assert.equal(r.status, 2, `WORKERS=${bad}: ${r.stderr}`);
      assert.equal(r.stderr, `node-cluster: bad configuration: WORKERS must be an integer from 1 to 64, got '${bad}'\n`);
    }
  });
});
