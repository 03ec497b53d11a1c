// The swarm runtime: attaches to the stack `docker stack deploy -c docker-stack.yml lab` runs,
// through a manager's Docker API: services by label, each task's node and address, stats from
// the cgroup (task on this node) or the row's /metrics (another node), limits and restarts as
// service updates.
export { openSwarmRuntime, type SwarmRuntimeOptions } from './swarm-runtime.js';
export { findLabServices, managerNodeId, runningTask, STACK_LABEL, type FoundService, type RunningTask, type SwarmNode } from './discover.js';
export { statsFromMetrics } from './metrics-stats.js';
export { forced, withLimits } from './service-update.js';
