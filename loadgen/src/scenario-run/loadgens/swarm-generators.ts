import type Docker from 'dockerode';
import { EXIT, LabError } from '../../core/errors.js';
import { connectDocker } from '../../runtime/docker/client.js';
import { ROLE_LABEL } from '../../runtime/docker/discover.js';
import { demuxLogs } from '../../runtime/docker/health.js';
import { nodeOf, STACK_LABEL, type FoundService } from '../../runtime/swarm/discover.js';
import { updateService, type ServiceSpecJson } from '../../runtime/swarm/service-update.js';
import { JOBS_ENV, PROTOCOL_VERSION, reportsIn, SLOT_ENV, type WorkerJob, type WorkerReport } from './protocol.js';
import type { GeneratorLauncher } from './split-run.js';

// K generators on the swarm: the stack's `loadgen` service (label lab.role=loadgen, placed on
// lab.role=loadgen nodes, 0 replicas at rest) is scaled to K with every job in its environment;
// each task takes its slot's job, and its report comes back through the manager's service log
// (the manager gathers every node's). The service is scaled back to 0 afterwards.

const GRACE_MS = 60_000;
const TERMINAL = new Set(['complete', 'failed', 'rejected', 'shutdown', 'orphaned', 'remove']);

async function loadgenService(docker: Docker, stack: string | undefined): Promise<FoundService> {
  const services = await docker.listServices({ filters: { label: [`${ROLE_LABEL}=loadgen`, ...(stack ? [`${STACK_LABEL}=${stack}`] : [])] } });
  if (services.length !== 1) {
    throw new LabError(
      `--loadgens on the swarm needs exactly one service labelled lab.role=loadgen${stack ? ` in stack '${stack}'` : ''}, found ${services.length}: `
        + 'deploy docker-stack.yml (its loadgen service), or set LAB_SWARM_STACK',
      EXIT.badInput,
    );
  }
  const s = services[0]!;
  return { id: s.ID, name: s.Spec?.Name ?? s.ID, labels: s.Spec?.Labels ?? {} };
}

function withJobs(spec: ServiceSpecJson, jobs: WorkerJob[]): ServiceSpecJson {
  const template = spec.TaskTemplate ?? {};
  const container = (template.ContainerSpec ?? {}) as { Env?: string[] };
  const ours = [JOBS_ENV, SLOT_ENV, 'LAB_LOADGEN_HOST'];
  const env = (container.Env ?? []).filter((kv) => !ours.includes(kv.split('=')[0]!));
  // Swarm expands these templates per task: the slot picks the job, the node names the host.
  env.push(`${JOBS_ENV}=${JSON.stringify(jobs)}`, `${SLOT_ENV}={{.Task.Slot}}`, 'LAB_LOADGEN_HOST={{.Node.Hostname}} (node {{.Node.ID}})');
  return {
    ...spec,
    Mode: { Replicated: { Replicas: jobs.length } },
    TaskTemplate: { ...template, ContainerSpec: { ...container, Env: env }, ForceUpdate: ((template.ForceUpdate as number | undefined) ?? 0) + 1 },
  };
}

interface TaskJson { ID: string; Slot?: number; NodeID?: string; CreatedAt?: string; Status?: { State?: string; Err?: string } }

function failed(job: WorkerJob, host: string, error: string): WorkerReport {
  return {
    v: PROTOCOL_VERSION, index: job.index, startAtMs: job.startAtMs, host,
    measurement: { requests: 0, ok: 0, durationS: 0, latencyMs: { p50: null, p90: null, p99: null, p999: null, max: null }, errors: { timeouts: 0, non2xx: 0, connection: 0, by_kind: {} }, loadgenThreads: 1, warnings: [] },
    histogram: '', cpuSeconds: 0, measureStartMs: 0, measureEndMs: 0, error,
  };
}

export function swarmLauncher(env: NodeJS.ProcessEnv = process.env): GeneratorLauncher {
  return async (jobs, signal) => {
    const { docker } = await connectDocker(env);
    const service = await loadgenService(docker, env.LAB_SWARM_STACK || undefined);
    const since = new Date(Date.now() - 1000).toISOString();
    await updateService(docker, service, `${jobs.length} load generators`, (spec) => withJobs(spec, jobs));
    const bound = Date.now() + Math.max(0, jobs[0]!.startAtMs - Date.now()) + (jobs[0]!.warmupS + jobs[0]!.durationS) * 1000 + GRACE_MS;
    let tasks: TaskJson[] = [];
    try {
      for (;;) {
        const all = (await docker.listTasks({ filters: { service: [service.id] } })) as TaskJson[];
        tasks = all.filter((t) => (t.CreatedAt ?? '') >= since);
        const done = tasks.filter((t) => TERMINAL.has(t.Status?.State ?? ''));
        if (done.length >= jobs.length || signal.aborted || Date.now() > bound) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      const raw = (await docker.getService(service.id).logs({ stdout: true, stderr: false, follow: false, since: Math.floor(Date.parse(since) / 1000) } as never)) as unknown as Buffer;
      const reports = reportsIn(demuxLogs(raw)).filter((r) => r.startAtMs === jobs[0]!.startAtMs);
      return Promise.all(jobs.map(async (job) => {
        const r = reports.find((x) => x.index === job.index);
        if (r) return r;
        const task = tasks.find((t) => t.Slot === job.index + 1);
        const node = task?.NodeID ? (await nodeOf(docker, task.NodeID).catch(() => undefined))?.hostname ?? task.NodeID : 'no node';
        const state = task ? `task ${task.ID.slice(0, 12)} is ${task.Status?.State ?? '?'}${task.Status?.Err ? `: ${task.Status.Err}` : ''}` : 'no task was scheduled (is a node labelled for load generation, and has it the lab image?)';
        return failed(job, node, `service ${service.name} slot ${job.index + 1}, node ${node}: no report (${state})`);
      }));
    } finally {
      await updateService(docker, service, 'scaling the load generators back to 0', (spec) => ({ ...spec, Mode: { Replicated: { Replicas: 0 } } })).catch(() => {});
    }
  };
}
