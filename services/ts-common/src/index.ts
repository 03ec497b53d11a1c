export * from './config.js';
export * from './validation.js';
export * from './cpu-work.js';
export * from './proc-stats.js';
export * from './metrics.js';
export * from './overhead.js';
export * from './shutdown.js';
export * from './spawn-service.js';
