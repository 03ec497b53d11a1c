export * from './contract.js';
export * from './overhead.js';
