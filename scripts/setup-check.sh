#!/usr/bin/env bash
# The README's set-up, checked in a clean container (run by .ci/run as root, after the Docker e2e):
#   read the set-up commands from README.md (between <!-- setup:begin --> and <!-- setup:end -->)
#   -> a Docker daemon (the one that answers, else a private one) -> the offline Node image
#   (Debian bookworm + Node, nothing of the lab; scripts/offline-images.sh) -> a container with
#   host networking, the host's apt and npm configuration, and the repository's files without
#   node_modules, dist or .git -> the README's commands, exactly as written -> `npx lab verify
#   --targets python-threads,node-eventloop` inside it.
# A step the README leaves out fails one of the last two stages, and the script names it: e.g.
#   sed 's/ python3-prometheus-client / /' README.md >/tmp/README-missing.md
#   scripts/setup-check.sh --readme /tmp/README-missing.md
# fails in stage 'lab verify' (python-threads unavailable: no module named 'prometheus_client',
# fix: apt-get install -y python3-prometheus-client), and the README without `apt-get update`
# failed in stage 'README set-up' (E: Unable to locate package python3).
# Always removes the container and stops a dockerd it started (trap EXIT); prints the time of
# every stage. The container reaches only what the host's apt and npm already use (Debian's
# mirror, the npm registry); the lab inside binds 127.0.0.1 with LAB_PORT_OFFSET (default 6000).
#
# Usage: scripts/setup-check.sh [--readme FILE] [--print-commands]
#   --readme FILE     another README to check, e.g. an edited copy, to see that a step missing
#                     from it fails (default README.md)
#   --print-commands  only print the set-up commands read from the README, then exit
# Env:   SETUP_CHECK_KEEP=1 leaves the container running for a look (then `docker rm -f` it).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$(pwd)"

README="$REPO/README.md"
PRINT_ONLY=0
TARGETS=python-threads,node-eventloop
PORT_OFFSET="${LAB_PORT_OFFSET:-6000}"
IN_REPO=/src/concurrency-lab   # where the repository lies inside the container
CONTAINER="lab-setup-check-$$"
CONTAINER_STARTED=0
STAGES_NAME=setup-check
# shellcheck source=scripts/lib/stages.sh
. "$REPO/scripts/lib/stages.sh"
# shellcheck source=scripts/lib/private-dockerd.sh
. "$REPO/scripts/lib/private-dockerd.sh"
# shellcheck source=scripts/lib/ports.sh
. "$REPO/scripts/lib/ports.sh"
# shellcheck source=scripts/lib/leftovers.sh
. "$REPO/scripts/lib/leftovers.sh"

while [ $# -gt 0 ]; do
  case "$1" in
    --readme) [ $# -ge 2 ] || fail "--readme needs a file"; README="$(readlink -f "$2")"; shift ;;
    --print-commands) PRINT_ONLY=1 ;;
    -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) fail "unknown argument '$1' (try --help)" ;;
  esac
  shift
done
# --print-commands: the commands alone on stdout, the rest on stderr.
if [ "$PRINT_ONLY" = 1 ]; then exec 3>&1 1>&2; fi
WORK="$(mktemp -d /tmp/lab-setup-check.XXXXXX)"   # removed by finish()

finish() {
  local code=$?
  set +e
  end_stage "clean up"
  if [ "$CONTAINER_STARTED" = 1 ] && [ "${SETUP_CHECK_KEEP:-0}" = 1 ]; then
    log "SETUP_CHECK_KEEP=1: container $CONTAINER left running (docker exec -it $CONTAINER bash)"
  else
    [ "$CONTAINER_STARTED" = 1 ] && docker rm -f "$CONTAINER" >/dev/null 2>&1 && log "removed container $CONTAINER"
    stop_private_dockerd
    time_stage "$STAGE"
  fi
  exit_stages "$code" "$WORK"
}
trap finish EXIT
# Ctrl-C or a SIGTERM from CI still removes the container and stops our dockerd.
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
stage "read README"
[ -f "$README" ] || fail "$README not found"
# The lines of the ```sh block between the markers, exactly as the README shows them.
awk '
  /^<!-- setup:begin -->$/ { inside = 1; next }
  /^<!-- setup:end -->$/   { inside = 0; next }
  inside && /^```/       { fence = !fence; next }
  inside && fence && NF  { print }
' "$README" >"$WORK/readme-commands"
[ -s "$WORK/readme-commands" ] || fail "no set-up commands in $README: expected a \`\`\`sh block between <!-- setup:begin --> and <!-- setup:end -->"
if [ "$PRINT_ONLY" = 1 ]; then cat "$WORK/readme-commands" >&3; STAGE="done"; exit 0; fi
log "the README's set-up commands:"; sed 's/^/    $ /' "$WORK/readme-commands"
# Run one after another in one shell, like a person typing them, each echoed with the time.
{
  echo 'set -eo pipefail'
  while IFS= read -r line; do
    # %q: the echo shows the line and runs none of it (a README line may hold `backticks`).
    # shellcheck disable=SC2016 # the $(date) is for the generated script
    printf 'printf "[readme %%s] \$ %%s\\n" "$(date -u +%%H:%%M:%%S)" %q\n' "$line"
    printf '%s\n' "$line"
  done <"$WORK/readme-commands"
} >"$WORK/readme-setup.sh"

# ---------------------------------------------------------------------------------------------
stage "docker daemon"
[ "$(id -u)" = 0 ] || fail "run as root (it may install docker.io and start dockerd)"
if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends docker.io debootstrap \
    || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends docker.io debootstrap; }
fi
ensure_dockerd "$WORK" || fail "no Docker daemon answers and dockerd did not start with overlay2 nor vfs"
clear_labelled_containers lab.setup-check=1

# ---------------------------------------------------------------------------------------------
stage "offline Node image"
bash scripts/offline-images.sh --env-file "$WORK/images.env"
NODE_IMAGE="$(sed -n 's/^NODE_IMAGE=//p' "$WORK/images.env")"
[ -n "$NODE_IMAGE" ] || fail "scripts/offline-images.sh wrote no NODE_IMAGE"
log "NODE_IMAGE=$NODE_IMAGE ($(docker run --rm --network none "$NODE_IMAGE" node --version))"

# ---------------------------------------------------------------------------------------------
stage "ports free"
# The lab inside uses host networking: if something of the host answered on these ports,
# lab verify would check that instead of what the container set up.
ports="$(LAB_PORT_OFFSET="$PORT_OFFSET" node --input-type=module -e "import { readManifests } from './scripts/generate/manifests.mjs';
  const names = new Set('$TARGETS'.split(','));
  const offset = Number(process.env.LAB_PORT_OFFSET);
  const ms = (await readManifests()).filter((m) => names.has(m.name) || m.role === 'upstream');
  console.log(ms.flatMap((m) => [m.ports.http, m.ports.line ?? []]).flat().map((p) => p + offset).join(' '))")"
# shellcheck disable=SC2086 # one port a word
busy="$(ports_in_use $ports)"
[ -z "$busy" ] || fail "ports in use on 127.0.0.1: $busy (LAB_PORT_OFFSET=$PORT_OFFSET; stop what listens there or pick another offset)"
log "free on 127.0.0.1: $ports"

# ---------------------------------------------------------------------------------------------
stage "host config"
# The container reaches Debian's mirror and the npm registry the way this host does: the
# host's apt configuration (sources, Acquire options, keys, pins) and npm's registry, proxy and
# CA settings, plus the proxy variables if the host has any. Nothing else is passed in.
mkdir -p "$WORK/host/apt"
cp -a /etc/apt/. "$WORK/host/apt/"
npm_env=()
while IFS='=' read -r key value; do
  case "$value" in ''|null|undefined) continue ;; esac
  if [ "$key" = cafile ]; then
    [ -f "$value" ] || fail "npm's cafile $value does not exist on the host"
    cp "$value" "$WORK/host/npm-cafile.crt"
    value=/setup-check/host/npm-cafile.crt
  fi
  npm_env+=(-e "npm_config_${key//-/_}=$value")
done < <(cd "$WORK" && npm config get registry proxy https-proxy noproxy cafile strict-ssl)
for var in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY; do
  [ -z "${!var:-}" ] || npm_env+=(-e "$var=${!var}")
done
log "apt: the host's /etc/apt ($(grep -rhoE '^(URIs:|deb) +[^ ]+' /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | sort -u | tr '\n' ' '))"
log "npm: ${npm_env[*]}"
# As root in the container, `sudo CMD` is CMD (what .ci/run's $SUDO does on the host).
mkdir -p "$WORK/host/bin"
cat >"$WORK/host/bin/sudo" <<'EOF'
#!/bin/sh
case "$1" in -*) echo "setup-check's sudo stands in for sudo as root and takes no options, got '$1'" >&2; exit 2 ;; esac
exec "$@"
EOF
chmod +x "$WORK/host/bin/sudo"

# ---------------------------------------------------------------------------------------------
stage "container"
docker run -d --name "$CONTAINER" --network host --label lab.setup-check=1 \
  -v "$WORK:/setup-check:ro" "$NODE_IMAGE" sleep infinity >/dev/null
CONTAINER_STARTED=1
in_container() { docker exec -i "${npm_env[@]}" -e DEBIAN_FRONTEND=noninteractive -e LAB_PORT_OFFSET="$PORT_OFFSET" \
  -e PATH=/setup-check/host/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
in_container "$CONTAINER" bash -c 'rm -rf /etc/apt && cp -a /setup-check/host/apt /etc/apt && mkdir -p '"$IN_REPO"
# The repository as a clone has it (tracked files, and new ones git does not ignore): no
# node_modules, no dist, no .git.
[ -d .git ] || [ -f .git ] || fail "$REPO is not a git checkout: cannot tell the repository's files from build outputs"
git ls-files -z --cached --others --exclude-standard \
  | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
  | tar --null -T - -cf - | docker exec -i "$CONTAINER" tar -xf - -C "$IN_REPO"
leftovers="$(docker exec "$CONTAINER" find "$IN_REPO" \( -name node_modules -o -name dist -o -name '*.tsbuildinfo' -o -name .git \) -print)"
[ -z "$leftovers" ] || fail "build outputs were copied into the container: $leftovers"
for cmd in python3 npx node; do
  log "in the container before set-up: $cmd -> $(docker exec "$CONTAINER" sh -c "command -v $cmd || echo missing")"
done
log "$(docker exec "$CONTAINER" sh -c "find $IN_REPO -type f | wc -l") files in $IN_REPO"

# ---------------------------------------------------------------------------------------------
stage "README set-up"
in_container -w "$IN_REPO" "$CONTAINER" bash /setup-check/readme-setup.sh \
  || fail "a command of the README's set-up failed (output above): README.md's set-up is wrong or incomplete"

# ---------------------------------------------------------------------------------------------
stage "lab verify"
if ! in_container -w "$IN_REPO" "$CONTAINER" npx lab verify --targets "$TARGETS"; then
  fail "\`npx lab verify --targets $TARGETS\` failed after the README's set-up (output above): a set-up step is missing from README.md"
fi

stage "done"
log "the README's set-up works in a clean container"
