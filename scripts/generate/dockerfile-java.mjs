// services/<row>/Dockerfile for every row whose image.recipe is "java": JDK 21 (virtual threads)
// is in Debian 13 (trixie), not in Debian 12, so both stages build FROM ${DEBIAN13_IMAGE}, made
// offline like the bookworm base (scripts/offline-images.sh). The build stage compiles the code
// base (image.package, relative to the row folder; it may be a shared folder under services/)
// with plain javac: no build tool, no dependencies, nothing downloaded. The runtime stage holds
// the JRE, the classes and the contract, and runs `java <local.args>` as the local runtime does
// (loadgen/src/runtime/local/java-build.ts compiles with the same javac arguments).
import path from 'node:path';
import { ADD_LAB_USER, APP, BASH_HEALTHCHECK_CMD, HEALTHCHECK_TIMING, envLine, exposeLine, generatedHeader, rowEnv } from './dockerfile-common.mjs';
import { GenerateError } from './manifests.mjs';

export const DEBIAN13_DEFAULT = 'debian:trixie-slim';
export const JDK_PACKAGES = { build: 'openjdk-21-jdk-headless', runtime: 'openjdk-21-jre-headless' };
/** The javac command of the image and the local build (run in the code base folder). */
export const javacBuild = '-encoding UTF-8 -nowarn -d bin/classes';

/** The code base folder (repo-relative), which must stay under services/. */
function codeBaseOf(m) {
  const codeBase = path.posix.normalize(path.posix.join(m.dir, m.image.package ?? '.'));
  if (!codeBase.startsWith('services/') || codeBase.split('/').length !== 2) {
    throw new GenerateError(`${m.dir}/service.json: image.package '${m.image.package}' must be a folder directly under services/ (the row's own, or a shared one)`);
  }
  const classes = path.posix.relative(m.dir, `${codeBase}/bin/classes`) || '.';
  const cp = m.local.args.indexOf('-cp');
  if (cp < 0 || m.local.args[cp + 1] !== classes) {
    throw new GenerateError(`${m.dir}/service.json: local.args must run the compiled code base with '-cp ${classes}'`);
  }
  return codeBase;
}

function dockerfileFor(m, manifests) {
  const codeBase = codeBaseOf(m);
  const env = [...rowEnv(m, manifests), ...Object.entries(m.local.env ?? {})];
  return [
    ...generatedHeader(m),
    `# ${m.name}: ${m.model}.`,
    '# Build context: the repository root (see docker-compose.yml).',
    `ARG DEBIAN13_IMAGE=${DEBIAN13_DEFAULT}`,
    '',
    'FROM ${DEBIAN13_IMAGE} AS build',
    '# Debian 13\'s JDK 21 and plain javac: the classes build offline from the Debian mirror alone.',
    'RUN apt-get update \\',
    ` && apt-get install -y --no-install-recommends ${JDK_PACKAGES.build} \\`,
    ' && rm -rf /var/lib/apt/lists/*',
    `COPY ${codeBase}/src ${APP}/${codeBase}/src`,
    `WORKDIR ${APP}/${codeBase}`,
    `RUN javac ${javacBuild} $(find src -name '*.java' | sort)`,
    '',
    'FROM ${DEBIAN13_IMAGE}',
    '# The JRE only; bash (essential in Debian) is the health check\'s client.',
    'RUN apt-get update \\',
    ` && apt-get install -y --no-install-recommends ${JDK_PACKAGES.runtime} \\`,
    ' && rm -rf /var/lib/apt/lists/* \\',
    ` && ${ADD_LAB_USER}`,
    '# The row reads the limits and metric names from the contract, four folders above its classes.',
    `COPY contract/contract.json ${APP}/contract/contract.json`,
    `COPY --from=build ${APP}/${codeBase}/bin/classes ${APP}/${codeBase}/bin/classes`,
    `WORKDIR ${APP}/${m.dir}`,
    envLine(env),
    'USER lab',
    exposeLine(m),
    '# The slim image has no curl: bash asks /healthz over /dev/tcp.',
    HEALTHCHECK_TIMING,
    BASH_HEALTHCHECK_CMD,
    '# The services drain in-flight work on SIGTERM and exit 0.',
    'STOPSIGNAL SIGTERM',
    `CMD ${JSON.stringify(['java', ...m.local.args])}`,
  ].join('\n') + '\n';
}

export function javaDockerfiles({ manifests }) {
  return manifests.filter((m) => m.image.recipe === 'java').map((m) => ({ file: `${m.dir}/Dockerfile`, text: dockerfileFor(m, manifests) }));
}
