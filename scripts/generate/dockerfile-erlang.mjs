// services/<row>/Dockerfile for every row whose image.recipe is "erlang": Debian's Erlang/OTP
// (erlang-base and the row's local.requires.debianPackages, e.g. erlang-inets for httpc)
// compiles src/*.erl into ebin/ with erlc (the local runtime's command), and the image runs
// `erl` with local.args in the row folder. One stage: the VM is the runtime.
import { ADD_LAB_USER, APP, aptInstall, debianPreamble, debianRunTail, rowEnv } from './dockerfile-common.mjs';

/** The compile command, the same in the image and for the local runtime (run in the row folder). */
export const ERLC = 'erlc -o ebin src/*.erl';

function dockerfileFor(m, manifests) {
  const packages = ['erlang-base', ...(m.local.requires?.debianPackages ?? [])];
  const env = [...rowEnv(m, manifests), ...Object.entries(m.local.env ?? {})];
  return [
    ...debianPreamble(m),
    'FROM ${DEBIAN_IMAGE}',
    '# Debian\'s Erlang/OTP: the image builds offline from the Debian mirror alone.',
    ...aptInstall(packages),
    `RUN ${ADD_LAB_USER}`,
    '# The row reads the limits and metric names from the contract, two folders above it.',
    `COPY contract/contract.json ${APP}/contract/contract.json`,
    `COPY ${m.dir}/src ${APP}/${m.dir}/src`,
    `WORKDIR ${APP}/${m.dir}`,
    `RUN mkdir -p ebin && ${ERLC}`,
    ...debianRunTail(m, env, ['erl', ...m.local.args]),
  ].join('\n') + '\n';
}

export function erlangDockerfiles({ manifests }) {
  return manifests.filter((m) => m.image.recipe === 'erlang').map((m) => ({ file: `${m.dir}/Dockerfile`, text: dockerfileFor(m, manifests) }));
}
