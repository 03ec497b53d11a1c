// services/<row>/Dockerfile for every row whose image.recipe is "go": Debian's golang-go and the
// row's local.requires.debianPackages (Go libraries packaged for Debian, e.g.
// golang-github-prometheus-client-golang-dev, installed under /usr/share/gocode) build a static
// binary in GOPATH mode with no downloads; the runtime stage holds only that binary and the
// contract. local.args[0] is the binary's path relative to the row folder (the local runtime
// builds the same path with the same command), the rest its arguments.
import path from 'node:path';
import { ADD_LAB_USER, APP, aptInstall, debianPreamble, debianRunTail, rowEnv } from './dockerfile-common.mjs';
import { GenerateError } from './manifests.mjs';


/** The build command, the same in the image and for the local runtime (run in the package folder). */
export const GO_ENV = [['GO111MODULE', 'off'], ['GOPATH', '/usr/share/gocode'], ['GOPROXY', 'off'], ['CGO_ENABLED', '0']];
export const goBuild = (output) => `go build -trimpath -ldflags="-s -w" -o ${output} .`;

/** The Go main package (image.package, default the row folder) and the binary, both repo-relative. */
function goPaths(m) {
  const binary = m.local.args[0];
  const pkg = m.image.package ?? '.';
  for (const [what, p] of [['local.args[0] (the binary)', binary], ['image.package', pkg]]) {
    const norm = path.posix.normalize(p);
    if (path.posix.isAbsolute(norm) || norm === '..' || norm.startsWith('../')) {
      throw new GenerateError(`${m.dir}/service.json: ${what} '${p}' must be a path inside the row folder`);
    }
  }
  return { binary: path.posix.join(m.dir, binary), pkg: path.posix.join(m.dir, pkg) };
}

function dockerfileFor(m, manifests) {
  const { binary, pkg } = goPaths(m);
  const packages = ['golang-go', ...(m.local.requires?.debianPackages ?? [])];
  const env = [...rowEnv(m, manifests), ...Object.entries(m.local.env ?? {})];
  return [
    ...debianPreamble(m),
    'FROM ${DEBIAN_IMAGE} AS build',
    '# Debian\'s Go and the Go libraries Debian packages (under /usr/share/gocode): GOPATH mode, no',
    '# module downloads, so the image builds offline from the Debian mirror alone.',
    ...aptInstall(packages),
    `ENV ${GO_ENV.map(([k, v]) => `${k}=${v}`).join(' ')} GOCACHE=/tmp/go-cache`,
    `COPY ${m.dir} ${APP}/${m.dir}`,
    `WORKDIR ${APP}/${pkg}`,
    `# A static binary (CGO_ENABLED=0): the runtime stage needs no libc of the build's.`,
    `RUN ${goBuild(`${APP}/${binary}`)}`,
    '',
    'FROM ${DEBIAN_IMAGE}',
    `RUN ${ADD_LAB_USER}`,
    '# The row reads the limits and metric names from the contract, relative to its folder.',
    `COPY contract/contract.json ${APP}/contract/contract.json`,
    `COPY --from=build ${APP}/${binary} ${APP}/${binary}`,
    `WORKDIR ${APP}/${m.dir}`,
    ...debianRunTail(m, env, [`./${path.posix.normalize(m.local.args[0])}`, ...m.local.args.slice(1)]),
  ].join('\n') + '\n';
}

export function goDockerfiles({ manifests }) {
  return manifests.filter((m) => m.image.recipe === 'go').map((m) => ({ file: `${m.dir}/Dockerfile`, text: dockerfileFor(m, manifests) }));
}
