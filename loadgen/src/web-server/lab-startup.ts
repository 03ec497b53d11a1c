// What `lab up` is doing while it brings the lab up, for the page's start-up panel (/api/lab):
// every row's state (starting, started, verifying with its checks so far, ready, failed with
// the failing check and its URL, unavailable with the install command) and the default run.
// `lab up` serves the page before it starts the rows, so this state is filled from the
// runtime's events and verify's callbacks as they happen; nothing here waits for anything.
import type { LabEvent, LabRuntime, ServiceManifest } from '../runtime/index.js';
import type { CheckResult } from '../verify/index.js';

export type RowState = 'starting' | 'started' | 'verifying' | 'ready' | 'failed' | 'unavailable';
export type LabPhase = 'starting' | 'verifying' | 'ready' | 'failed';

export interface StartupRow {
  name: string;
  role: 'upstream' | 'implementation';
  model: string;
  state: RowState;
  /** Every state the row went through, with when (ms since the epoch). */
  history: { state: RowState; at: number }[];
  /** Verify's checks of this row so far, in the order they finished. */
  checks: Pick<CheckResult, 'check' | 'status' | 'message' | 'url'>[];
  /** How many checks the rows verified before this one had (a guess for the progress bar); null for the first. */
  checks_expected: number | null;
  /** failed: the first failing check (or the crash); unavailable: why, and the command that fixes it. */
  problem: { check?: string; message: string; url?: string; hint?: string } | null;
  http_url: string | null;
}

export interface AutorunState {
  scenario: string;
  /** waiting: starts when verify is done; started: see the run; skipped: `reason` says why. */
  state: 'waiting' | 'started' | 'skipped';
  reason: string | null;
  run_id: number | null;
}

export interface StartupSnapshot {
  phase: LabPhase;
  started_at: number;
  verify_started_at: number | null;
  verify_finished_at: number | null;
  error: string | null;
  rows: StartupRow[];
  autorun: AutorunState | null;
}

export class LabStartup {
  private readonly rows = new Map<string, StartupRow>();
  private phase: LabPhase = 'starting';
  private readonly startedAt = Date.now();
  private verifyStartedAt: number | null = null;
  private verifyFinishedAt: number | null = null;
  private error: string | null = null;
  private autorun: AutorunState | null;
  /** The runtime, once every row is started (or known unavailable). */
  runtime: LabRuntime | undefined;

  /** `manifests`: the upstream and the rows `lab up` is about to start; `autorun`: the default scenario, or null (--no-autorun). */
  constructor(manifests: ServiceManifest[], autorun: string | null) {
    for (const m of manifests) {
      this.rows.set(m.name, {
        name: m.name,
        role: m.role === 'upstream' ? 'upstream' : 'implementation',
        model: m.model,
        state: 'starting',
        history: [{ state: 'starting', at: this.startedAt }],
        checks: [],
        checks_expected: null,
        problem: null,
        http_url: null,
      });
    }
    this.autorun = autorun === null ? null : { scenario: autorun, state: 'waiting', reason: null, run_id: null };
  }

  private set(name: string, state: RowState, problem?: StartupRow['problem']): StartupRow | undefined {
    const row = this.rows.get(name);
    if (!row) return undefined;
    if (row.state !== state) {
      row.state = state;
      row.history.push({ state, at: Date.now() });
    }
    if (problem !== undefined) row.problem = problem;
    return row;
  }

  /** The runtime's events (LabEvent) while it starts or attaches to each service. */
  onLabEvent(e: LabEvent): void {
    if (e.kind === 'starting') this.set(e.service, 'starting');
    else if (e.kind === 'healthy' || e.kind === 'attached') {
      // A row that passed verify and is restarted later goes back to ready, not to "started".
      const row = this.rows.get(e.service);
      this.set(e.service, row?.role === 'upstream' || this.phase === 'ready' ? 'ready' : 'started', null);
    } else if (e.kind === 'unavailable') this.set(e.service, 'unavailable', { message: e.message });
    else if (e.kind === 'crashed') this.set(e.service, 'failed', { message: e.message });
  }

  /** Every service is started or known unavailable: take the exact reasons and install commands. */
  attach(runtime: LabRuntime): void {
    this.runtime = runtime;
    for (const e of [runtime.upstream, ...runtime.targets]) {
      const row = this.rows.get(e.name);
      if (row) row.http_url = e.httpUrl;
      if (row?.state === 'starting') this.set(e.name, row.role === 'upstream' ? 'ready' : 'started');
    }
    for (const u of runtime.unavailable) this.set(u.name, 'unavailable', { message: u.reason, ...(u.hint ? { hint: u.hint } : {}) });
    this.phase = 'verifying';
    this.verifyStartedAt = Date.now();
  }

  onVerifyTarget(name: string, phase: 'start' | 'done', checks: CheckResult[]): void {
    if (phase === 'start') {
      const row = this.rows.get(name);
      if (row) {
        row.checks = [];
        const done = [...this.rows.values()].filter((r) => r.state === 'ready' && r.checks.length > 0);
        row.checks_expected = done.length ? Math.max(...done.map((r) => r.checks.length)) : null;
      }
      this.set(name, 'verifying');
      return;
    }
    const failing = checks.find((c) => c.status === 'fail');
    if (failing) this.set(name, 'failed', { check: failing.check, message: failing.message, ...(failing.url ? { url: failing.url } : {}) });
    else this.set(name, 'ready', null);
  }

  onCheck(result: CheckResult): void {
    const row = this.rows.get(result.target);
    if (row) row.checks.push({ check: result.check, status: result.status, message: result.message, url: result.url });
  }

  /** Verify is over: every row's end state came through onVerifyTarget. */
  verified(): void {
    this.phase = 'ready';
    this.verifyFinishedAt = Date.now();
  }

  failed(message: string): void {
    this.phase = 'failed';
    this.error = message;
  }

  autorunStarted(runId: number): void {
    if (this.autorun) Object.assign(this.autorun, { state: 'started', run_id: runId, reason: null });
  }

  autorunSkipped(reason: string): void {
    if (this.autorun) Object.assign(this.autorun, { state: 'skipped', reason });
  }

  /** Why a run cannot start yet (verify uses the rows and the shared upstream); undefined once it can. */
  notReadyReason(): string | undefined {
    if (this.phase === 'ready') return undefined;
    if (this.phase === 'failed') return `the lab did not start: ${this.error ?? 'unknown error'}`;
    return `the lab is still ${this.phase === 'starting' ? 'starting its rows' : 'verifying its rows'}: a run can start once verify is done (see the start-up panel on the Live tab)`;
  }

  snapshot(): StartupSnapshot {
    return {
      phase: this.phase,
      started_at: this.startedAt,
      verify_started_at: this.verifyStartedAt,
      verify_finished_at: this.verifyFinishedAt,
      error: this.error,
      rows: [...this.rows.values()],
      autorun: this.autorun,
    };
  }
}
