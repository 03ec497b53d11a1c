#!/usr/bin/env bash
# Builds the lab's base images on an air-gapped host that only has a Debian mirror:
#   debian:bookworm-slim            debootstrap --variant=minbase, then `docker import`
#   debian:trixie-slim              the same for Debian 13 (the Java rows' JDK 21 is not in 12),
#                                   from the same mirror as bookworm
#   concurrency-lab/node:offline    that Debian + the host's own node/npm, user node (uid 1000)
#   concurrency-lab/prometheus:offline  that Debian + Debian's `prometheus` package,
#                                   entrypoint compatible with prom/prometheus
# and writes the variables that point docker-compose at them (NODE_IMAGE, DEBIAN_IMAGE,
# DEBIAN13_IMAGE, PROMETHEUS_IMAGE) to an env file. Grafana has no Debian package, so it is not built here:
# run the stack with docker-compose.no-grafana.yml on such a host.
#
# Idempotent: an image that already exists is kept unless --force.
#
# Usage: scripts/offline-images.sh [--force] [--env-file FILE] [--mirror URL] [--print]
#   --env-file FILE  where to write the variables (default: .lab/offline-images.env)
#   --mirror URL     Debian mirror for debootstrap (default: the host's apt sources, for
#                    bookworm; trixie comes from the same mirror)
#   --print          also print `export NAME=value` lines on stdout
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEBIAN_IMAGE="${DEBIAN_IMAGE:-debian:bookworm-slim}"
DEBIAN13_IMAGE="${DEBIAN13_IMAGE:-debian:trixie-slim}"
NODE_OFFLINE_IMAGE="${NODE_OFFLINE_IMAGE:-concurrency-lab/node:offline}"
PROMETHEUS_OFFLINE_IMAGE="${PROMETHEUS_OFFLINE_IMAGE:-concurrency-lab/prometheus:offline}"
SUITE=bookworm
FORCE=0
PRINT=0
MIRROR=""
ENV_FILE="$REPO_ROOT/.lab/offline-images.env"

die() { echo "offline-images: $*" >&2; exit 2; }
log() { echo "offline-images: $*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --force) FORCE=1 ;;
    --print) PRINT=1 ;;
    --env-file) [ $# -ge 2 ] || die "--env-file needs a path"; ENV_FILE="$2"; shift ;;
    --mirror) [ $# -ge 2 ] || die "--mirror needs a URL"; MIRROR="$2"; shift ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (try --help)" ;;
  esac
  shift
done

command -v docker >/dev/null || die "docker CLI not found (apt-get install docker.io)"
docker info >/dev/null 2>&1 || die "cannot reach the Docker daemon (is dockerd running? are you in group docker?)"

# Scratch directories, removed however the script ends.
SCRATCH=()
cleanup() { [ ${#SCRATCH[@]} -eq 0 ] || rm -rf "${SCRATCH[@]}"; }
trap cleanup EXIT
scratch() { local d; d="$(mktemp -d "/tmp/lab-$1.XXXXXX")"; SCRATCH+=("$d"); echo "$d"; }

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

# Build only what is missing, unless --force.
wanted() {
  if [ "$FORCE" = 1 ] || ! image_exists "$1"; then return 0; fi
  log "$1 exists, kept (use --force to rebuild)"
  return 1
}

# The first deb mirror of the host serving $SUITE itself (not -security/-updates), from
# deb822 .sources files first, then one-line sources.list.
host_mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    # deb822: paragraphs separated by blank lines; pick one whose Suites has "$SUITE" alone.
    awk -v suite="$SUITE" '
      BEGIN { RS=""; FS="\n" }
      {
        uris=""; suites=""; types=""
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^URIs:/)   { uris = $i;   sub(/^URIs:[ \t]*/, "", uris) }
          if ($i ~ /^Suites:/) { suites = $i; sub(/^Suites:[ \t]*/, "", suites) }
          if ($i ~ /^Types:/)  { types = $i }
        }
        if (types !~ /(^|[ \t])deb([ \t]|$)/) next
        n = split(suites, s, /[ \t]+/)
        for (j = 1; j <= n; j++) if (s[j] == suite) { split(uris, u, /[ \t]+/); print u[1]; exit }
      }' "$f"
  done | head -n1 | grep . && return 0
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk -v suite="$SUITE" '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { if ($(i+1) == suite) print $i; break } }' "$f"
  done | head -n1 | grep .
}

# A minimal Debian of one suite as an image: build_debian IMAGE SUITE. Bookworm's mirror is the
# host's (or --mirror); every later suite comes from the same mirror.
build_debian() {
  local image="$1" suite="$2"
  wanted "$image" || return 0
  command -v debootstrap >/dev/null || die "debootstrap not found (apt-get install debootstrap)"
  [ -n "$MIRROR" ] || MIRROR="$(host_mirror)" || die "no Debian $SUITE mirror found in /etc/apt/sources.list*; pass --mirror URL"
  [ -e "/usr/share/debootstrap/scripts/$suite" ] || die "this debootstrap does not know Debian $suite (apt-get install debootstrap from a newer release, or pass DEBIAN13_IMAGE)"
  local root
  root="$(scratch debootstrap)"
  log "debootstrap --variant=minbase $suite from $MIRROR"
  local dlog; dlog="$(scratch debootstrap-log)/log"
  debootstrap --variant=minbase "$suite" "$root/fs" "$MIRROR" >"$dlog" 2>&1 \
    || { tail -n 30 "$dlog" >&2; die "debootstrap $suite failed (log above)"; }
  root="$root/fs"
  # Like the official slim image: no package lists or caches inside, apt stays usable.
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb
  log "docker import -> $image"
  tar -C "$root" -c . | docker import \
    --change 'CMD ["bash"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    - "$image" >/dev/null
}

build_node() {
  wanted "$NODE_OFFLINE_IMAGE" || return 0
  local node_bin npm_dir ctx
  node_bin="$(readlink -f "$(command -v node)")" || die "node not found on this host"
  npm_dir="$(readlink -f "$(dirname "$node_bin")/../lib/node_modules/npm")"
  [ -f "$npm_dir/bin/npm-cli.js" ] || die "npm not found next to $node_bin (looked in $npm_dir)"
  ctx="$(scratch node-image)"
  cp "$node_bin" "$ctx/node"
  cp -a "$npm_dir" "$ctx/npm"
  # The host's CA bundle comes along: npm inside the image must trust what the host trusts
  # (an air-gapped site's registry mirror or TLS-inspecting egress proxy has a private CA).
  local ca_bundle=/etc/ssl/certs/ca-certificates.crt ca_lines=""
  if [ -f "$ca_bundle" ]; then
    cp "$ca_bundle" "$ctx/ca-certificates.crt"
    ca_lines="COPY ca-certificates.crt /usr/local/share/lab/host-ca-certificates.crt
ENV NODE_EXTRA_CA_CERTS=/usr/local/share/lab/host-ca-certificates.crt"
  fi
  # Same layout and user as the official node:*-slim image, so the lab's Dockerfiles work
  # unchanged on either (they rely on /usr/local/bin/node, npm, npx and user node uid 1000).
  cat >"$ctx/Dockerfile" <<EOF
FROM $DEBIAN_IMAGE
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
$ca_lines
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && groupadd --gid 1000 node \\
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \\
 && node --version && npm --version
CMD ["node"]
EOF
  log "building $NODE_OFFLINE_IMAGE from the host's node $("$node_bin" --version)"
  docker build -q -t "$NODE_OFFLINE_IMAGE" "$ctx" >/dev/null
}

build_prometheus() {
  wanted "$PROMETHEUS_OFFLINE_IMAGE" || return 0
  local ctx
  ctx="$(scratch prom-image)"
  # Entrypoint, paths and user mirror prom/prometheus, so compose's command: works on both.
  cat >"$ctx/Dockerfile" <<EOF
FROM $DEBIAN_IMAGE
RUN apt-get update \\
 && apt-get install -y --no-install-recommends prometheus \\
 && rm -rf /var/lib/apt/lists/* \\
 && { [ -e /bin/prometheus ] || ln -s /usr/bin/prometheus /bin/prometheus; } \\
 && mkdir -p /prometheus /usr/share/prometheus \\
 && ln -sfn /etc/prometheus/consoles /usr/share/prometheus/consoles \\
 && ln -sfn /etc/prometheus/console_libraries /usr/share/prometheus/console_libraries \\
 && chown -R nobody:nogroup /prometheus
USER nobody
WORKDIR /prometheus
EXPOSE 9090
VOLUME ["/prometheus"]
ENTRYPOINT ["/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus", "--web.console.libraries=/usr/share/prometheus/console_libraries", "--web.console.templates=/usr/share/prometheus/consoles"]
EOF
  log "building $PROMETHEUS_OFFLINE_IMAGE from Debian's prometheus package"
  # Host network: the daemon may run without a bridge (CI does), and apt needs the mirror.
  docker build -q --network host -t "$PROMETHEUS_OFFLINE_IMAGE" "$ctx" >/dev/null
}

build_debian "$DEBIAN_IMAGE" "$SUITE"
build_debian "$DEBIAN13_IMAGE" trixie
build_node
build_prometheus

mkdir -p "$(dirname "$ENV_FILE")"
cat >"$ENV_FILE" <<EOF
# Written by scripts/offline-images.sh: base images built from Debian packages.
DEBIAN_IMAGE=$DEBIAN_IMAGE
DEBIAN13_IMAGE=$DEBIAN13_IMAGE
NODE_IMAGE=$NODE_OFFLINE_IMAGE
PROMETHEUS_IMAGE=$PROMETHEUS_OFFLINE_IMAGE
EOF
log "wrote $ENV_FILE"
if [ "$PRINT" = 1 ]; then
  sed -n 's/^\([A-Z_]*=.*\)$/export \1/p' "$ENV_FILE"
fi
