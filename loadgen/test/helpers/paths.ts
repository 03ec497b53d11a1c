import path from 'node:path';
import { repoRoot } from '../../src/core/manifest/repo-root.js';

export const REPO_ROOT = repoRoot();
/** Test-only services (source, not compiled): loadgen/test/fixtures/services. */
export const FIXTURE_SERVICES = path.join(REPO_ROOT, 'loadgen', 'test', 'fixtures', 'services');
export const LAB_BIN = path.join(REPO_ROOT, 'loadgen', 'bin', 'lab.mjs');
