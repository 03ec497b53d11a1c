import { execFile } from 'node:child_process';
import os from 'node:os';
import type { Environment } from '../model/results.js';

/** The machine a run was measured on: results mean nothing without it. */
export async function describeEnvironment(runtime: 'local' | 'docker' | 'swarm'): Promise<Environment> {
  return {
    cpus: os.availableParallelism?.() ?? os.cpus().length,
    memory: os.totalmem(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    python: await pythonVersion(),
    runtime,
    cpu_model: os.cpus()[0]?.model,
    hostname: os.hostname(),
  };
}

function pythonVersion(): Promise<string | null> {
  const python = process.env.LAB_PYTHON || '/usr/bin/python3';
  return new Promise((resolve) => {
    execFile(python, ['--version'], { timeout: 5000 }, (err, stdout, stderr) => {
      if (err) return resolve(null);
      resolve((stdout || stderr).trim().replace(/^Python\s+/, '') || null);
    });
  });
}
