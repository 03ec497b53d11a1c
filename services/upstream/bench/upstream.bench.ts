import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { freePort, readProcessTreeStats, startService } from '@concurrency-lab/ts-common';

// Is the upstream ever the bottleneck? 1,000 keep-alive connections against a 100 ms delay
// can at best reach 1,000 / 0.1 s = 10,000 rps (Little's law). The upstream runs in its own
// process; autocannon runs here, so the two do not share an event loop. Goal: >= 0.9 of ideal.

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 1000);
const DELAY_MS = 100;
const WARMUP_S = 2;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const GOAL = 0.9;

const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));

function run(url: string, duration: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: CONNECTIONS, duration, pipelining: 1, timeout: 30 }, (err, result) =>
      err ? reject(err) : resolve(result),
    );
  });
}

const port = await freePort();
const upstream = await startService({
  args: [MAIN],
  port,
  env: { PORT: String(port), UPSTREAM_DELAY_MS: String(DELAY_MS) },
});
try {
  const url = `${upstream.baseUrl}/arrpi?text=hello%20my%20friend`;
  await run(url, WARMUP_S); // connection setup and JIT warm-up are not measured
  const before = readProcessTreeStats(upstream.pid);
  const cpu0 = process.cpuUsage();
  const r = await run(url, DURATION_S);
  const cpu = process.cpuUsage(cpu0);
  const after = readProcessTreeStats(upstream.pid);

  const rps = r.requests.total / r.duration;
  const ideal = CONNECTIONS / (DELAY_MS / 1000);
  const ratio = rps / ideal;
  const upstreamCpu = before && after ? (after.cpuSeconds - before.cpuSeconds) / r.duration : NaN;
  const loadgenCpu = (cpu.user + cpu.system) / 1e6 / r.duration;
  console.log(`connections ${CONNECTIONS}, upstream delay ${DELAY_MS} ms, ${r.duration.toFixed(1)} s measured`);
  console.log(`achieved ${rps.toFixed(0)} rps, ideal ${ideal.toFixed(0)} rps, ratio ${ratio.toFixed(3)} (goal >= ${GOAL})`);
  console.log(
    `latency ms: p50 ${r.latency.p50}, p90 ${r.latency.p90}, p99 ${r.latency.p99}, max ${r.latency.max}; ` +
      `errors ${r.errors}, timeouts ${r.timeouts}, non-2xx ${r.non2xx}`,
  );
  console.log(
    `cpu (cores): upstream ${upstreamCpu.toFixed(2)}, load generator ${loadgenCpu.toFixed(2)}; ` +
      `upstream rss ${((after?.rssBytes ?? 0) / 2 ** 20).toFixed(0)} MiB`,
  );
  // CPU per request is the figure that holds on a busy machine: cores needed for the ideal rate.
  const upstreamUsPerReq = (upstreamCpu * r.duration * 1e6) / r.requests.total;
  console.log(
    `upstream cpu per request ${upstreamUsPerReq.toFixed(0)} us -> ${(ideal * upstreamUsPerReq / 1e6).toFixed(2)} cores for the ideal ${ideal} rps; ` +
      `load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cpus`,
  );
  if (loadavg()[0] > cpus().length) {
    console.log('warning: the machine was busy with other work (load average above the cpu count): rerun when idle');
  }
  if (loadgenCpu > 0.9) console.log('warning: the load generator used over 90% of a core: the figure may be its limit, not the upstream\'s');
  if (ratio < GOAL) {
    console.log(`FAIL: ratio ${ratio.toFixed(3)} below ${GOAL}`);
    process.exitCode = 1;
  }
} finally {
  await upstream.stop('SIGTERM');
}
