#!/usr/bin/env bash
# Docker end-to-end check (run by .ci/run as root on a fresh Debian machine without Docker Hub):
#   install docker.io docker-compose debootstrap -> start a private dockerd -> build the base
#   images from Debian packages -> compose up the hostnet stack (no Grafana) -> wait healthy ->
#   lab verify / lab run quick.yaml with the docker runtime (results must hold container
#   stats) -> kill / pause / restart / upstream slowdown (scripts/lib/fault-run.sh) and
#   every container back -> loadgen/test-docker -> every Prometheus target up -> tear down, stop dockerd.
# Always tears down and stops the dockerd it started, even on failure (trap EXIT); prints the
# failing containers' logs and the time of every stage. Traffic stays on 127.0.0.1 except
# package downloads (Debian mirror, npm registry) during image builds.
#
# Env: E2E_KEEP=1 leaves the stack and dockerd up for a look (then stop them yourself).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$(pwd)"

export DEBIAN_FRONTEND=noninteractive
WORK="$(mktemp -d /tmp/lab-docker-e2e.XXXXXX)"
PROJECT=lab-e2e
COMPOSE_FILES=(-f docker-compose.yml -f docker-compose.hostnet.yml -f docker-compose.no-grafana.yml)
HEALTH_TIMEOUT_S=240
STAGES_NAME=docker-e2e
# shellcheck source=scripts/lib/stages.sh
. "$REPO/scripts/lib/stages.sh"
# shellcheck source=scripts/lib/prometheus-targets.sh
. "$REPO/scripts/lib/prometheus-targets.sh"
compose() { docker-compose -p "$PROJECT" "${COMPOSE_FILES[@]}" "$@"; }
# shellcheck source=scripts/lib/private-dockerd.sh
. "$REPO/scripts/lib/private-dockerd.sh"
# shellcheck source=scripts/lib/ports.sh
. "$REPO/scripts/lib/ports.sh"
# shellcheck source=scripts/lib/leftovers.sh
. "$REPO/scripts/lib/leftovers.sh"
# shellcheck source=scripts/lib/fault-run.sh
. "$REPO/scripts/lib/fault-run.sh"

# Logs of every lab container that is not healthy (or all of them, with "all").
dump_logs() {
  local which="${1:-unhealthy}" id name status
  command -v docker >/dev/null && docker info >/dev/null 2>&1 || return 0
  for id in $(docker ps -aq --filter "label=com.docker.compose.project=$PROJECT"); do
    name="$(docker inspect -f '{{.Name}}' "$id" | sed 's|^/||')"
    status="$(docker inspect -f '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}' "$id")"
    if [ "$which" = all ] || [[ "$status" != "running healthy" && "$status" != "running " ]]; then
      echo "----- $name ($status): last log lines"
      docker logs --tail 60 "$id" 2>&1 | sed 's/^/    | /'
    fi
  done
}

# Every lab container running and healthy (after compose up, and after the fault run).
wait_healthy() {
  local deadline=$((SECONDS + HEALTH_TIMEOUT_S)) pending id name state health
  while :; do
    pending=()
    for id in $(docker ps -aq --filter "label=com.docker.compose.project=$PROJECT" --filter label=lab.service); do
      read -r name state health < <(docker inspect -f '{{.Name}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$id")
      case "$state/$health" in
        running/healthy) ;;
        # unhealthy: a container just unpaused missed its checks; it must pass one again in time.
        running/starting|running/unhealthy|created/*|restarting/*) pending+=("${name#/}:$state/$health") ;;
        *) fail "${name#/} is $state/$health" ;;
      esac
    done
    [ ${#pending[@]} -eq 0 ] && break
    [ $SECONDS -lt $deadline ] || fail "not healthy within ${HEALTH_TIMEOUT_S}s: ${pending[*]}"
    sleep 2
  done
}

finish() {
  local code=$?
  set +e
  if [ "$code" != 0 ]; then
    echo "[docker-e2e] failure (exit $code) in stage '$STAGE'; container states and logs:" >&2
    docker ps -a --filter "label=com.docker.compose.project=$PROJECT" --format '{{.Names}}\t{{.Status}}' 2>/dev/null
    dump_logs "$([ "$STAGE" = "compose up" ] || [ "$STAGE" = "wait healthy" ] && echo unhealthy || echo all)"
  fi
  end_stage "tear down"
  if [ "${E2E_KEEP:-0}" = 1 ]; then
    log "E2E_KEEP=1: stack and dockerd (pid ${PRIVATE_DOCKERD_PID:-not ours}) left running"
  else
    if docker info >/dev/null 2>&1; then compose down -v --remove-orphans >/dev/null 2>&1; fi
    stop_private_dockerd
    time_stage "$STAGE"
  fi
  exit_stages "$code" "$WORK"
}
trap finish EXIT

# ---------------------------------------------------------------------------------------------
stage "install packages"
[ "$(id -u)" = 0 ] || fail "run as root (it installs packages and starts dockerd)"
missing=()
for cmd in dockerd docker-compose debootstrap; do command -v "$cmd" >/dev/null || missing+=("$cmd"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update
  apt-get install -y --no-install-recommends docker.io docker-compose debootstrap
else
  log "docker.io, docker-compose and debootstrap already installed"
fi
log "$(docker --version); $(docker-compose --version)"

# ---------------------------------------------------------------------------------------------
stage "start dockerd"
# The daemon that answers is used and left running; else our own (scripts/lib/private-dockerd.sh).
ensure_dockerd "$WORK" || fail "dockerd did not start with overlay2 nor vfs"
# An earlier run of this script killed before its tear-down: its containers are back up.
clear_labelled_containers "com.docker.compose.project=$PROJECT"

# ---------------------------------------------------------------------------------------------
stage "check ports free"
# Every manifest's ports (services/*/service.json), Prometheus and the lab (scripts/lib/ports.sh).
fixed_ports="$(lab_fixed_ports)"
# shellcheck disable=SC2086 # one port a word
busy="$(ports_in_use $fixed_ports)"
[ -z "$busy" ] || fail "the lab's fixed ports are in use on 127.0.0.1: $busy (stop what listens there)"

# ---------------------------------------------------------------------------------------------
stage "offline base images"
bash scripts/offline-images.sh --env-file "$WORK/images.env"
set -a; . "$WORK/images.env"; set +a
log "NODE_IMAGE=$NODE_IMAGE DEBIAN_IMAGE=$DEBIAN_IMAGE PROMETHEUS_IMAGE=$PROMETHEUS_IMAGE"

# ---------------------------------------------------------------------------------------------
stage "derived files current"
node scripts/generate/index.mjs --check

# ---------------------------------------------------------------------------------------------
stage "compose up"
export LAB_AUTORUN=0   # the e2e runs its own scenario below; the lab container only serves
compose config -q
compose build 2>&1 | tail -n 40
# Everything but the lab container, which starts last: its own start-up verify reconfigures the
# shared upstream (error injection), so it must not run while this script verifies and measures.
mapfile -t stack < <(compose config --services | grep -vxE 'lab|grafana')
compose up -d --no-build "${stack[@]}"

# ---------------------------------------------------------------------------------------------
stage "wait healthy"
wait_healthy
docker ps --filter "label=com.docker.compose.project=$PROJECT" --format '  {{.Names}}\t{{.Status}}'

# ---------------------------------------------------------------------------------------------
stage "build lab CLI"
# .ci/run already built everything; this is a no-op then, and makes the script runnable alone.
[ -d node_modules ] || npm ci
npx tsc -b

# ---------------------------------------------------------------------------------------------
stage "lab verify"
node loadgen/bin/lab.mjs verify --runtime docker

# ---------------------------------------------------------------------------------------------
stage "lab run quick"
# verify ran just above: --skip-verify saves doing it twice.
node loadgen/bin/lab.mjs run loadgen/scenarios/quick.yaml --runtime docker --skip-verify --out "$WORK/results"
results_json="$(find "$WORK/results" -name results.json | head -n1)"
[ -n "$results_json" ] || fail "lab run wrote no results.json under $WORK/results"
node - "$results_json" <<'EOF'
// Every measured step of every target must carry the container's stats (server.container).
const fs = require('node:fs');
const file = process.argv[2];
const results = JSON.parse(fs.readFileSync(file, 'utf8'));
const found = [];
const missing = [];
(function walk(node, path) {
  if (Array.isArray(node)) return node.forEach((v, i) => walk(v, `${path}[${i}]`));
  if (node === null || typeof node !== 'object') return;
  if (node.server && typeof node.server === 'object' && 'cpu_seconds' in node.server) {
    const c = node.server.container;
    const ok = c && typeof c.id === 'string' && typeof c.name === 'string' && typeof c.memory_bytes_peak === 'number';
    (ok ? found : missing).push(path);
  }
  for (const [k, v] of Object.entries(node)) walk(v, `${path}.${k}`);
})(results, '$');
if (found.length === 0 || missing.length > 0) {
  console.error(`results.json: ${found.length} steps with server.container, ${missing.length} without: ${missing.slice(0, 5).join(', ')}`);
  process.exit(1);
}
console.log(`results.json: container stats in all ${found.length} measured steps`);
EOF

# ---------------------------------------------------------------------------------------------
stage "lab run limits"
# A scenario's resources must reach the container (docker update) during its steps, and be
# undone afterwards.
cat >"$WORK/limits.yaml" <<'EOF'
name: e2e-limits
description: docker e2e, per-scenario CPU and memory limits on one row
executor: connections-sweep
targets: [python-threads]
request: { text: "hello", delay_ms: 10 }
steps: [2]
duration: 1s
warmup: 0s
cooldown: 0s
resources: { cpus: 0.5, memory: 256m }
EOF
node loadgen/bin/lab.mjs run "$WORK/limits.yaml" --runtime docker --skip-verify --out "$WORK/results-limits"
node - "$(find "$WORK/results-limits" -name results.json | head -n1)" <<'EOF'
// Every step of the limited run must record the limits the container had.
const fs = require('node:fs');
const steps = [];
(function walk(node) {
  if (Array.isArray(node)) return node.forEach(walk);
  if (node === null || typeof node !== 'object') return;
  if (node.server && node.server.container) steps.push(node.server.container);
  Object.values(node).forEach(walk);
})(JSON.parse(fs.readFileSync(process.argv[2], 'utf8')));
const bad = steps.filter((c) => c.cpu_limit !== 0.5 || c.memory_limit_bytes !== 256 * 2 ** 20);
if (steps.length === 0 || bad.length > 0) {
  console.error(`results.json: expected cpu_limit 0.5 and memory_limit_bytes 268435456 in every step, got ${JSON.stringify(steps)}`);
  process.exit(1);
}
console.log(`results.json: limits recorded in ${steps.length} step(s)`);
EOF
restored="$(docker inspect -f '{{.HostConfig.NanoCpus}} {{.HostConfig.Memory}}' "$(compose ps -q python-threads)")"
case "$restored" in "500000000 "*|*" 268435456") fail "python-threads still limited after the run: $restored" ;; esac
log "limits restored after the run (NanoCpus Memory: $restored)"

# ---------------------------------------------------------------------------------------------
stage "lab run faults"
# Events and recovery against the real daemon (scripts/lib/fault-run.sh): docker kill,
# pause/unpause and restart of each row and an upstream slowdown, in one step; then every
# container back, running and healthy, none left paused or stopped.
run_fault_scenario docker "com.docker.compose.project=$PROJECT" container "$WORK/results-faults"

# ---------------------------------------------------------------------------------------------
stage "stop during a pause"
# Ctrl-C while a row's container is paused: the lab unpauses it, keeps what it measured, says
# "lab stopped." and exits 130; every container is back.
cat >"$WORK/pause.yaml" <<'EOF'
name: e2e-stop
description: docker e2e, a long pause to be interrupted
executor: connections-sweep
targets: [node-eventloop]
request: { text: "hello" }
steps: [4]
warmup: 1s
duration: 30s
cooldown: 0s
events:
  - { at: 3s, pause: target, for: 20s }
EOF
node loadgen/bin/lab.mjs run "$WORK/pause.yaml" --runtime docker --skip-verify --out "$WORK/results-stop" >"$WORK/stop.log" 2>&1 &
lab_pid=$!
deadline=$((SECONDS + 90))
until [ -n "$(docker ps -q --filter "label=com.docker.compose.project=$PROJECT" --filter status=paused)" ]; do
  kill -0 "$lab_pid" 2>/dev/null || { cat "$WORK/stop.log"; fail "the run ended before its pause event"; }
  [ $SECONDS -lt $deadline ] || { kill -KILL "$lab_pid"; fail "no container was paused within 90 s"; }
  sleep 0.5
done
kill -INT "$lab_pid"
set +e; wait "$lab_pid"; rc=$?; set -e
[ "$rc" = 130 ] || { cat "$WORK/stop.log"; fail "lab run stopped by SIGINT exited $rc, expected 130"; }
grep -q '^lab stopped\.$' "$WORK/stop.log" || { cat "$WORK/stop.log"; fail "no 'lab stopped.' after SIGINT"; }
! grep -qiE 'crashed|relaunch' "$WORK/stop.log" || { cat "$WORK/stop.log"; fail "a stop was reported as a crash"; }
[ -z "$(docker ps -q --filter "label=com.docker.compose.project=$PROJECT" --filter status=paused)" ] || fail "a container was left paused by the stop"
wait_healthy
log "SIGINT during a pause: exit 130, container unpaused, every container healthy"

# ---------------------------------------------------------------------------------------------
stage "test-docker"
node --test --test-concurrency=1 loadgen/dist/test-docker/

# ---------------------------------------------------------------------------------------------
stage "lab container"
# `lab up --runtime docker` in the lab image: attached to the rows, serving on 127.0.0.1:8080.
compose up -d --no-build lab
deadline=$((SECONDS + 120))
until node -e 'fetch("http://127.0.0.1:8080/metrics").then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))'; do
  lab_state="$(docker inspect -f '{{.State.Status}} (exit {{.State.ExitCode}})' "$(compose ps -q lab)" 2>/dev/null || echo missing)"
  case "$lab_state" in running*) ;; *) docker logs --tail 30 "$(compose ps -q lab)" 2>&1 | sed 's/^/    | /'; fail "the lab container is $lab_state" ;; esac
  [ $SECONDS -lt $deadline ] || fail "the lab container does not serve http://127.0.0.1:8080/metrics"
  sleep 2
done
log "lab container serves http://127.0.0.1:8080"

# ---------------------------------------------------------------------------------------------
stage "prometheus targets"
wait_prometheus_targets

# ---------------------------------------------------------------------------------------------
stage "image sizes"
docker images --format '{{.Repository}}:{{.Tag}}\t{{.Size}}' | grep -E '^(concurrency-lab|debian)' | sort | sed 's/^/  /'
docker system df | sed 's/^/  /'

stage "done"
log "Docker e2e passed"
