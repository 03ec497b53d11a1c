// The install command a row's "unavailable" line shows: every local build (python, go, java,
// rust, erlang) names its missing Debian packages the same way.

export function sudoPrefix(): string {
  return process.getuid?.() === 0 ? '' : 'sudo ';
}

export function aptHint(packages: string[]): string | undefined {
  if (packages.length === 0) return undefined;
  return `${sudoPrefix()}apt-get install -y ${packages.join(' ')}`;
}
