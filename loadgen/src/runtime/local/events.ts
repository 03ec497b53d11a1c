/** What a runtime tells its user while it works (the CLI prints these; tests collect them). */
export interface LabEvent {
  kind: 'starting' | 'attached' | 'healthy' | 'unavailable' | 'crashed' | 'stopping' | 'stopped';
  service: string;
  message: string;
  /** Last lines of the service's log, for `unavailable` and `crashed`. */
  logTail?: string;
}

export type LabEventHandler = (event: LabEvent) => void;
