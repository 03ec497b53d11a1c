export * from './proc-stats.js';
