#!/usr/bin/env bash
# Docker Swarm end-to-end check (run by .ci/run after scripts/docker-e2e.sh, as root):
#   a Docker daemon (the running one, else its own) -> images (cached after the Docker e2e) ->
#   `docker swarm init --advertise-addr 127.0.0.1` -> `docker stack deploy -c docker-stack.yml`
#   (one node doing every job: lab.role=all) -> wait until every service runs healthy ->
#   lab verify --runtime swarm -> a short scenario with a CPU/memory limit (a service update)
#   -> results say runtime: swarm, with server stats -> one step split across two load generator
#   tasks (--loadgens 2: counts add up, per-generator CPU) -> kill / pause / restart / upstream
#   slowdown (scripts/lib/fault-run.sh), every service back -> a restart by forced update ->
#   remove the stack, leave the swarm, stop the dockerd it started. Always, also on failure.
# The stack binds the lab's fixed ports on 127.0.0.1 (LAB_BIND): nothing else may use them.
# It refuses to run on a daemon already in a swarm: leaving it would break someone else's.
# SWARM_E2E_NODES=2 adds a second node on this machine: a second dockerd (its own data root,
# exec root, pidfile, socket) joins as a worker on 127.0.0.2, labelled lab.role=loadgen, and
# the `--loadgens 2` run's generators run there. It is stopped and its folders removed after.
# Env: E2E_KEEP=1 leaves the stack and the swarm up for a look.
set -euo pipefail
cd "$(dirname "$0")/.."

WORK="$(mktemp -d /tmp/lab-swarm-e2e.XXXXXX)"
STACK=lab
HEALTH_TIMEOUT_S=240
DOCKERD_PID=""
SWARM_OURS=0
NODES="${SWARM_E2E_NODES:-1}"
D2="/tmp/lab-swarm-e2e-node2"
D2_SOCK="unix://$D2/docker.sock"
D2_CGROUP="lab-swarm-e2e-node2"
D2_PID=""
STAGE="start"
STAGE_START=$SECONDS
TIMINGS=()
E2E_START=$SECONDS

log() { echo "[swarm-e2e $(date -u +%H:%M:%S)] $*"; }
fail() { echo "[swarm-e2e] FAILED in stage '$STAGE': $*" >&2; exit 1; }
stage() {
  TIMINGS+=("$(printf '%-22s %4ds' "$STAGE" $((SECONDS - STAGE_START)))")
  STAGE="$1"; STAGE_START=$SECONDS
  echo; log "== $STAGE"
}
lab() { node loadgen/bin/lab.mjs "$@"; }
# shellcheck source=scripts/lib/prometheus-targets.sh
. scripts/lib/prometheus-targets.sh
# shellcheck source=scripts/lib/ports.sh
. scripts/lib/ports.sh
# shellcheck source=scripts/lib/fault-run.sh
. scripts/lib/fault-run.sh
# shellcheck source=scripts/lib/leftovers.sh
. scripts/lib/leftovers.sh
stack_services() { docker service ls -q --filter "label=com.docker.stack.namespace=$STACK"; }

finish() {
  local code=$?
  set +e
  if [ "$code" != 0 ] && [ "$SWARM_OURS" = 1 ]; then
    echo "[swarm-e2e] failure (exit $code) in stage '$STAGE'; tasks and logs:" >&2
    docker stack ps "$STACK" --no-trunc --format '  {{.Name}} {{.Node}} {{.CurrentState}} {{.Error}}' 2>/dev/null | head -40
    for s in $(stack_services); do
      echo "----- $(docker service inspect -f '{{.Spec.Name}}' "$s"): last log lines"
      docker service logs --tail 30 "$s" 2>&1 | sed 's/^/    | /'
    done
  fi
  STAGE="tear down"; STAGE_START=$SECONDS
  if [ "${E2E_KEEP:-0}" = 1 ]; then
    log "E2E_KEEP=1: stack $STACK and the swarm left up (docker stack rm $STACK; docker swarm leave --force)"
  elif [ "$SWARM_OURS" = 1 ]; then
    remove_stack_and_leave "$STACK" && log "left the swarm"
    clear_labelled_containers "com.docker.stack.namespace=$STACK" "the swarm kept, stopped, after leaving"
  fi
  if [ -n "$D2_PID" ] && [ "${E2E_KEEP:-0}" != 1 ]; then
    docker -H "$D2_SOCK" swarm leave --force >/dev/null 2>&1
    remove_second_node "$D2" "$D2_CGROUP" "$D2_PID"
    log "stopped the second dockerd (pid $D2_PID) and removed $D2"
  fi
  if [ -n "$DOCKERD_PID" ] && [ "${E2E_KEEP:-0}" != 1 ]; then
    kill "$DOCKERD_PID" 2>/dev/null
    for _ in $(seq 1 60); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.5; done
    log "stopped the dockerd this script started (pid $DOCKERD_PID)"
  fi
  TIMINGS+=("$(printf '%-22s %4ds' "$STAGE" $((SECONDS - STAGE_START)))")
  rm -rf "$WORK"
  echo; echo "[swarm-e2e] stage timings:"; printf '  %s\n' "${TIMINGS[@]}"
  echo "[swarm-e2e] total $((SECONDS - E2E_START))s, exit $code"
  exit "$code"
}
trap finish EXIT

# Every service at its replica count (a task with a health check counts once healthy).
wait_healthy() {
  local deadline=$((SECONDS + HEALTH_TIMEOUT_S)) pending name replicas running wanted failed
  while :; do
    pending=()
    while read -r name replicas; do
      running="${replicas%%/*}"; wanted="${replicas#*/}"; wanted="${wanted%% *}"
      [ "$running" = "$wanted" ] || pending+=("$name:$replicas")
    done < <(docker service ls --filter "label=com.docker.stack.namespace=$STACK" --format '{{.Name}} {{.Replicas}}')
    [ ${#pending[@]} -eq 0 ] && break
    failed="$(docker stack ps "$STACK" --filter desired-state=shutdown --format '{{.Name}} {{.Error}}' | grep -v ' $' | head -3 || true)"
    [ $SECONDS -lt $deadline ] || fail "not running healthy within ${HEALTH_TIMEOUT_S}s: ${pending[*]} ${failed:+(failed tasks: $failed)}"
    sleep 2
  done
}

# ---------------------------------------------------------------------------------------------
stage "docker daemon"
command -v docker >/dev/null || fail "docker is not installed: sudo apt-get install -y docker.io"
if docker info >/dev/null 2>&1; then
  log "a Docker daemon answers on its socket: using it (it will not be stopped)"
else
  [ "$(id -u)" = 0 ] || fail "no Docker daemon answers and only root may start one"
  # As scripts/docker-e2e.sh starts it: no bridge, no iptables (every service uses host networking).
  dockerd --bridge=none --iptables=false --ip-masq=false --pidfile "$WORK/dockerd.pid" >"$WORK/dockerd.log" 2>&1 &
  DOCKERD_PID=$!
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { tail -n 15 "$WORK/dockerd.log"; fail "dockerd did not start"; }
  log "dockerd pid $DOCKERD_PID"
fi
log "$(docker version --format 'client {{.Client.Version}}, server {{.Server.Version}}')"
clear_own_swarm "$STACK" lab.role \
  || fail "this daemon is already in a swarm (state $(docker info -f '{{.Swarm.LocalNodeState}}')): the e2e forms its own and leaves it afterwards"
# The stopped task containers a swarm leaves behind when its node leaves it.
clear_labelled_containers "com.docker.stack.namespace=$STACK"

# ---------------------------------------------------------------------------------------------
stage "check ports free"
fixed_ports="$(lab_fixed_ports)"
# shellcheck disable=SC2086 # one port a word
busy="$(ports_in_use $fixed_ports)"
[ -z "$busy" ] || fail "the lab's fixed ports are in use on 127.0.0.1: $busy"

# ---------------------------------------------------------------------------------------------
stage "images"
node scripts/generate/index.mjs --check
[ -d node_modules ] || npm ci
npx tsc -b
# Cached after the Docker e2e; the lab image is rebuilt when the lab's code changed.
if [ "$(id -u)" = 0 ]; then
  bash scripts/offline-images.sh --env-file "$WORK/images.env"
  set -a; . "$WORK/images.env"; set +a
fi
export PROMETHEUS_IMAGE="${PROMETHEUS_IMAGE:-concurrency-lab/prometheus:offline}"
docker-compose -f docker-compose.yml -f docker-compose.hostnet.yml -f docker-compose.no-grafana.yml build 2>&1 | tail -n 5
docker image inspect "$PROMETHEUS_IMAGE" >/dev/null 2>&1 || fail "no Prometheus image $PROMETHEUS_IMAGE (sudo scripts/offline-images.sh builds one)"

# ---------------------------------------------------------------------------------------------
stage "swarm init"
docker swarm init --advertise-addr 127.0.0.1 >/dev/null
SWARM_OURS=1
node_id="$(docker info -f '{{.Swarm.NodeID}}')"
# One node does every job: label it `all` and point each placement at that value.
docker node update --label-add lab.role=all "$node_id" >/dev/null
log "swarm node $node_id (127.0.0.1), label lab.role=all"

LOADGEN_ROLE=all
if [ "$NODES" = 2 ]; then
  stage "second node"
  if [ -e "$D2" ]; then
    log "$D2 is left from an interrupted earlier run: stopping its dockerd, removing it"
    remove_second_node "$D2" "$D2_CGROUP"
  fi
  mkdir -p "$D2"
  dockerd --data-root "$D2/data" --exec-root "$D2/exec" --pidfile "$D2/dockerd.pid" -H "$D2_SOCK" \
    --cgroup-parent "$D2_CGROUP" --bridge=none --iptables=false --ip-masq=false >"$WORK/dockerd2.log" 2>&1 &
  D2_PID=$!
  for _ in $(seq 1 60); do docker -H "$D2_SOCK" info >/dev/null 2>&1 && break; sleep 0.5; done
  docker -H "$D2_SOCK" info >/dev/null 2>&1 || { tail -n 15 "$WORK/dockerd2.log"; fail "the second dockerd did not start"; }
  # Both daemons share this machine's network: the worker advertises 127.0.0.2. Its gossip
  # listener cannot take 7946 there (the manager's holds it); host networking does not need it.
  docker -H "$D2_SOCK" swarm join --token "$(docker swarm join-token -q worker)" \
    --advertise-addr 127.0.0.2 --listen-addr 127.0.0.2:2377 127.0.0.1:2377 >/dev/null
  worker="$(docker -H "$D2_SOCK" info -f '{{.Swarm.NodeID}}')"
  docker node update --label-add lab.role=loadgen "$worker" >/dev/null
  docker save concurrency-lab/lab:latest | docker -H "$D2_SOCK" load >/dev/null
  LOADGEN_ROLE=loadgen
  log "worker node $worker (second dockerd pid $D2_PID), label lab.role=loadgen, lab image loaded"
fi

# ---------------------------------------------------------------------------------------------
stage "stack deploy"
export LAB_TARGETS_ROLE=all LAB_CONTROL_ROLE=all LAB_LOADGEN_ROLE="$LOADGEN_ROLE" LAB_BIND=127.0.0.1 LAB_AUTORUN=0
if docker image inspect "${GRAFANA_IMAGE:-grafana/grafana-oss:11.2.2}" >/dev/null 2>&1; then export LAB_GRAFANA_REPLICAS=1; else export LAB_GRAFANA_REPLICAS=0; fi
# --resolve-image never: the images are this daemon's own, no registry has them.
docker stack deploy --resolve-image never -c docker-stack.yml "$STACK"

# ---------------------------------------------------------------------------------------------
stage "wait healthy"
wait_healthy
docker service ls --filter "label=com.docker.stack.namespace=$STACK" --format '  {{.Name}}\t{{.Replicas}}'
# The lab service serves its dashboard before its own start-up verify (which reconfigures the
# shared upstream): wait until that verify is over, so that it cannot overlap ours.
deadline=$((SECONDS + 180))
while :; do
  phase="$(node -e 'fetch("http://127.0.0.1:8080/api/lab").then((r) => r.json()).then((j) => console.log(j.phase ?? "?"), () => console.log("unreachable"))')"
  case "$phase" in ready) log "the lab service's start-up verify is done"; break ;; failed) fail "the lab service did not start (GET /api/lab: failed)" ;; esac
  [ $SECONDS -lt $deadline ] || fail "the lab service's start-up verify did not finish within 180 s (phase $phase)"
  sleep 2
done

# ---------------------------------------------------------------------------------------------
stage "lab verify"
lab verify --runtime swarm

# ---------------------------------------------------------------------------------------------
stage "lab run"
# Bounded: one 2 s step per row on two rows, with a limit: the runtime applies it as a service
# update (a new task), records it, and restores it after the run.
cat >"$WORK/swarm.yaml" <<'EOF'
name: swarm-e2e
description: swarm e2e, a short connections sweep with a CPU and memory limit
executor: connections-sweep
targets: [node-eventloop, python-asyncio]
request: { text: "hello", delay_ms: 10 }
steps: [4]
duration: 2s
warmup: 0s
cooldown: 0s
resources: { cpus: 1, memory: 256m }
EOF
lab run "$WORK/swarm.yaml" --runtime swarm --skip-verify --out "$WORK/results"
node scripts/lib/check-swarm-run.mjs "$(find "$WORK/results" -name results.json | head -n1)"
limits="$(docker service inspect -f '{{json .Spec.TaskTemplate.Resources.Limits}}' "${STACK}_node-eventloop")"
case "$limits" in null|"{}") log "limits removed after the run ($limits)" ;; *) fail "node-eventloop still limited after the run: $limits" ;; esac

# ---------------------------------------------------------------------------------------------
stage "lab run --loadgens 2"
# The step's connections split across two tasks of the stack's loadgen service (on the
# lab.role=loadgen node: the second node with SWARM_E2E_NODES=2), merged from their histograms.
cat >"$WORK/loadgens.yaml" <<'EOF'
name: swarm-e2e-loadgens
description: swarm e2e, one step split across two load generator tasks
executor: connections-sweep
targets: [node-eventloop]
request: { text: "hello", delay_ms: 10 }
steps: [6]
duration: 3s
warmup: 1s
cooldown: 0s
EOF
lab run "$WORK/loadgens.yaml" --runtime swarm --skip-verify --loadgens 2 --out "$WORK/results-loadgens"
node scripts/lib/check-loadgens-run.mjs "$(find "$WORK/results-loadgens" -name results.json | head -n1)" "${worker:-}"
[ "$(docker service inspect -f '{{.Spec.Mode.Replicated.Replicas}}' "${STACK}_loadgen")" = 0 ] || fail "the loadgen service was not scaled back to 0"

# ---------------------------------------------------------------------------------------------
stage "lab run faults"
# Events and recovery on the swarm (scripts/lib/fault-run.sh): kill (the swarm starts a new
# task), pause/unpause of the task's container, restart (a forced update) and an upstream
# slowdown, in one step; then every service back, none left paused.
run_fault_scenario swarm "com.docker.stack.namespace=$STACK" service "$WORK/results-faults"

# ---------------------------------------------------------------------------------------------
stage "restart"
# runtime.restart = `docker service update --force`: a new task, healthy again, found again.
node --input-type=module - <<'EOF'
import { openRuntime } from './loadgen/dist/src/runtime/index.js';
import { runningTask, findLabServices } from './loadgen/dist/src/runtime/swarm/index.js';
import { connectDocker } from './loadgen/dist/src/runtime/docker/index.js';
const { docker } = await connectDocker();
const service = (await findLabServices(docker)).get('python-threads');
const before = await runningTask(docker, service);
const runtime = await openRuntime({ kind: 'swarm', targets: ['python-threads'] });
await runtime.restart('python-threads');
const after = await runningTask(docker, service);
const res = await fetch(`${runtime.targets[0].httpUrl}/echo?text=hi&delay_ms=0`);
await runtime.stop();
if (!before.id || !after.id || before.id === after.id || res.status !== 200) {
  console.error(`restart: task ${before.id} -> ${after.id}, /echo ${res.status}`);
  process.exit(1);
}
console.log(`restart: task ${before.id.slice(0, 12)} -> ${after.id.slice(0, 12)} on node ${after.node.hostname}, /echo 200`);
EOF

# ---------------------------------------------------------------------------------------------
stage "prometheus targets"
wait_prometheus_targets dockerswarm_sd

stage "done"
log "Swarm e2e passed"
