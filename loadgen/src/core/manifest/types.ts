// A row's manifest as the lab reads it (services/service.schema.json is the file's schema).

/** services/<name>/service.json, validated against services/service.schema.json. */
export interface ServiceManifest {
  name: string;
  role: 'implementation' | 'upstream';
  model: string;
  language: 'python' | 'typescript' | 'go';
  reproduces: string;
  concurrencyUnit?: 'threads' | 'greenlets' | 'coroutines' | 'processes' | 'deferreds' | 'promises' | 'goroutines';
  ports: { http: number; line?: number };
  /** How `npm run generate` writes its Dockerfile; a go row's local build reads `package`. */
  image?: { recipe: 'python' | 'node' | 'go'; package?: string; workspaces?: string[] };
  local: {
    interpreter: 'python' | 'node' | 'go';
    args: string[];
    pythonPath?: string[];
    env?: Record<string, string>;
    requires?: { pythonModules?: string[]; debianPackages?: string[] };
  };
  /** Absolute path of the service folder (added by discovery, not in the file). */
  dir: string;
}
