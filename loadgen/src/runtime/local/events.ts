/** What a runtime tells its user while it works (the CLI prints these; tests collect them). */
export interface LabEvent {
  kind: 'starting' | 'attached' | 'healthy' | 'unavailable' | 'crashed' | 'restarting' | 'restarted' | 'gave-up' | 'stopping' | 'stopped';
  service: string;
  message: string;
  /** Last lines of the service's log, for `unavailable` and `crashed`. */
  logTail?: string;
}

export type LabEventHandler = (event: LabEvent) => void;

/** One line (plus the log tail, indented) for a terminal. */
export function formatLabEvent(event: LabEvent): string {
  const head = `[${event.service}] ${event.kind}: ${event.message}`;
  if (!event.logTail) return head;
  return `${head}\n${event.logTail.split('\n').map((l) => `    | ${l}`).join('\n')}`;
}
