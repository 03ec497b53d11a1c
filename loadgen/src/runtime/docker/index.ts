// The Docker runtime: attaches to the containers docker compose started (labels lab.impl and
// lab.role=upstream), reads their cgroup stats, applies CPU/memory limits, restarts them.
export { openDockerRuntime, type DockerRuntimeOptions } from './docker-runtime.js';
export { connectDocker, dockerFromEnv } from './client.js';
export { findLabContainers, IMPL_LABEL, ROLE_LABEL } from './discover.js';
export { containerUsageOf, workingSetBytes, readContainerStats, type DockerStatsJson } from './stats.js';
export { updateFor, restoreUpdate } from './limits.js';
export { summariseContainer, type ContainerStepUsage } from './summary.js';
