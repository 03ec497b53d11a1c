// A row's manifest as the lab reads it (services/service.schema.json is the file's schema).

/** services/<name>/service.json, validated against services/service.schema.json. */
export interface ServiceManifest {
  name: string;
  role: 'implementation' | 'upstream';
  model: string;
  language: 'python' | 'typescript' | 'go' | 'java' | 'rust' | 'erlang';
  reproduces: string;
  concurrencyUnit?: 'threads' | 'greenlets' | 'coroutines' | 'processes' | 'deferreds' | 'promises' | 'goroutines' | 'virtual_threads' | 'tasks';
  ports: { http: number; line?: number };
  /** How `npm run generate` writes its Dockerfile; a go or java row's local build reads `package`. */
  image?: { recipe: 'python' | 'node' | 'go' | 'java' | 'rust' | 'erlang'; package?: string; workspaces?: string[] };
  /** The /overhead method run outside any server (bench overhead-fidelity's cross-check);
   *  absent = the row has none, which the bench and the witness test list by name. */
  overheadWitness?: OverheadWitness;
  local: {
    interpreter: 'python' | 'node' | 'go' | 'java' | 'rust' | 'erlang';
    args: string[];
    pythonPath?: string[];
    env?: Record<string, string>;
    requires?: { pythonModules?: string[]; debianPackages?: string[] };
  };
  /** Absolute path of the service folder (added by discovery, not in the file). */
  dir: string;
}

/** services/<row>/service.json overheadWitness (services/service.schema.json describes it). */
export interface OverheadWitness {
  interpreter: 'python' | 'node' | 'go' | 'java' | 'rust' | 'erlang';
  /** Script or binary first (java: the JVM's arguments, as local.args), relative to the row folder; the run's arguments are appended. */
  args: string[];
  /** go: the main package folder the binary args[0] is built from; java: the code base (as image.package). */
  package?: string;
  /** Spawn mode runs at most max(spawnTasksCap, C) tasks per bench cell. */
  spawnTasksCap?: number;
}
