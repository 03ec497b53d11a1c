// services/<row>/Dockerfile for every row whose image.recipe is "rust": Debian's cargo and rustc
// and the row's local.requires.debianPackages (the crates Debian packages as librust-*-dev,
// installed under /usr/share/cargo/registry) build the crate with `cargo build --offline
// --release`; the row's .cargo/config.toml replaces crates.io with that directory, so nothing
// is downloaded. The runtime stage holds only the binaries (local.args[0] and the witness,
// cargo's own target/release/ paths, the layout the local runtime runs) and the contract.
import path from 'node:path';
import { ADD_LAB_USER, APP, aptInstall, debianPreamble, debianRunTail, rowEnv } from './dockerfile-common.mjs';
import { GenerateError } from './manifests.mjs';

/** The build command, the same in the image and for the local runtime (run in the row folder). */
export const RUST_BUILD = 'cargo build --offline --release';

/** The binaries to keep: local.args[0] and the witness's, each under target/release/. */
function binariesOf(m) {
  const bins = [m.local.args[0], ...(m.overheadWitness?.interpreter === 'rust' ? [m.overheadWitness.args[0]] : [])];
  for (const b of bins) {
    if (path.posix.dirname(path.posix.normalize(b)) !== 'target/release') {
      throw new GenerateError(`${m.dir}/service.json: a rust binary '${b}' must be cargo's target/release/<bin>`);
    }
  }
  return bins.map((b) => path.posix.join(m.dir, path.posix.normalize(b)));
}

function dockerfileFor(m, manifests) {
  const binaries = binariesOf(m);
  const packages = ['cargo', 'rustc', ...(m.local.requires?.debianPackages ?? [])];
  const env = [...rowEnv(m, manifests), ...Object.entries(m.local.env ?? {})];
  return [
    ...debianPreamble(m),
    'FROM ${DEBIAN_IMAGE} AS build',
    '# Debian\'s cargo and rustc and the crates Debian packages (under /usr/share/cargo/registry):',
    '# the row\'s .cargo/config.toml replaces crates.io with them, so the image builds offline.',
    ...aptInstall(packages),
    `COPY ${m.dir} ${APP}/${m.dir}`,
    `WORKDIR ${APP}/${m.dir}`,
    `RUN ${RUST_BUILD}`,
    '',
    'FROM ${DEBIAN_IMAGE}',
    `RUN ${ADD_LAB_USER}`,
    '# The row reads the limits and metric names from the contract, four folders above its binary.',
    `COPY contract/contract.json ${APP}/contract/contract.json`,
    ...binaries.map((b) => `COPY --from=build ${APP}/${b} ${APP}/${b}`),
    `WORKDIR ${APP}/${m.dir}`,
    ...debianRunTail(m, env, [`./${path.posix.normalize(m.local.args[0])}`, ...m.local.args.slice(1)]),
  ].join('\n') + '\n';
}

export function rustDockerfiles({ manifests }) {
  return manifests.filter((m) => m.image.recipe === 'rust').map((m) => ({ file: `${m.dir}/Dockerfile`, text: dockerfileFor(m, manifests) }));
}
