// Test helper: a real local lab (upstream + the rows asked for, on a free port offset) with the
// web server in front of it. Rows whose runtime is missing here are simply not running.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openRuntime } from '../../src/runtime/index.js';
import { findFreePortOffset } from '../../src/runtime/ports.js';
import type { LabRuntime } from '../../src/runtime/types.js';
import { startWebServer, type WebServer, type WebServerOptions } from '../../src/web-server/server.js';

export interface LabFixture {
  runtime: LabRuntime;
  web: WebServer;
  offset: number;
  resultsDir: string;
  close(): Promise<void>;
}

export async function startLabFixture(
  targets: string[],
  webOpts: Partial<WebServerOptions> = {},
  offset?: number,
): Promise<LabFixture> {
  const portOffset = offset ?? (await findFreePortOffset());
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'lab-web-'));
  const resultsDir = webOpts.resultsDir ?? path.join(tmp, 'results');
  const runtime = await openRuntime({ kind: 'local', targets, portOffset, logDir: path.join(tmp, 'logs') });
  let web: WebServer;
  try {
    web = await startWebServer({ runtime, port: 0, resultsDir, ...webOpts });
  } catch (err) {
    await runtime.stop();
    throw err;
  }
  return {
    runtime,
    web,
    offset: portOffset,
    resultsDir,
    async close() {
      await web.close();
      await runtime.stop();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
