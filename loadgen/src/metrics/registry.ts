import { Gauge, Registry } from 'prom-client';

// The load generator's own series (DESIGN's load generator dashboard reads them). One registry,
// exported, so that the web server of `lab up` serves it and `lab run` alone can too.

export const loadgenRegistry = new Registry();

const info = new Gauge({
  name: 'lab_loadgen_info',
  help: '1 for the step the load generator is running now (labels say which), absent when idle.',
  labelNames: ['scenario', 'executor', 'target', 'phase'] as const,
  registers: [loadgenRegistry],
});
const step = new Gauge({ name: 'lab_loadgen_step', help: 'Load of the current step (connections, req/s or workers).', labelNames: ['scenario', 'target'] as const, registers: [loadgenRegistry] });
const target = new Gauge({ name: 'lab_loadgen_target', help: '1 for the target under load now.', labelNames: ['target'] as const, registers: [loadgenRegistry] });
const connections = new Gauge({ name: 'lab_loadgen_connections', help: 'Connections the load generator holds open to the target.', labelNames: ['target'] as const, registers: [loadgenRegistry] });
const achieved = new Gauge({ name: 'lab_loadgen_achieved_rps', help: 'Successful requests per second over the last second.', labelNames: ['target'] as const, registers: [loadgenRegistry] });
const ideal = new Gauge({ name: 'lab_loadgen_ideal_rps', help: 'Little\'s law ideal (connections / upstream delay) or the scheduled rate.', labelNames: ['target'] as const, registers: [loadgenRegistry] });
const latency = new Gauge({ name: 'lab_loadgen_latency_seconds', help: 'Client-side latency quantiles over the last second.', labelNames: ['target', 'quantile'] as const, registers: [loadgenRegistry] });

export interface LiveFigures {
  rps?: number;
  connections?: number;
  latencyMs?: { p50?: number; p90?: number; p99?: number };
}

export const loadgenMetrics = {
  stepStarted(scenario: string, executor: string, name: string, load: number, idealRps: number | null): void {
    info.reset();
    step.reset();
    target.reset();
    info.set({ scenario, executor, target: name, phase: 'warmup' }, 1);
    step.set({ scenario, target: name }, load);
    target.set({ target: name }, 1);
    if (idealRps !== null) ideal.set({ target: name }, idealRps);
  },
  phase(scenario: string, executor: string, name: string, phase: string): void {
    info.reset();
    info.set({ scenario, executor, target: name, phase }, 1);
  },
  live(name: string, f: LiveFigures): void {
    if (f.rps !== undefined) achieved.set({ target: name }, f.rps);
    if (f.connections !== undefined) connections.set({ target: name }, f.connections);
    for (const [q, key] of [['0.5', 'p50'], ['0.9', 'p90'], ['0.99', 'p99']] as const) {
      const v = f.latencyMs?.[key];
      if (v !== undefined) latency.set({ target: name, quantile: q }, v / 1000);
    }
  },
  idle(): void {
    for (const g of [info, step, target, connections, achieved, latency]) g.reset();
  },
};
