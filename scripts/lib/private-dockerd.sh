# shellcheck shell=bash
# Sourced by the CI scripts that need a Docker daemon on a machine where none may run
# (scripts/docker-e2e.sh, scripts/setup-check.sh).
# ensure_dockerd LOGDIR: uses the daemon that answers on the default socket if there is one
# (never stopped afterwards); otherwise starts its own with no bridge and no iptables (every
# container uses host networking, and the machine's firewall and routes stay untouched),
# overlay2, else vfs, and sets PRIVATE_DOCKERD_PID. stop_private_dockerd stops only that one.
# Both log through the caller's log() function.
PRIVATE_DOCKERD_PID=""

start_private_dockerd() {
  local driver="$1" logdir="$2"
  dockerd --bridge=none --iptables=false --ip-masq=false --storage-driver="$driver" \
    --pidfile "$logdir/dockerd.pid" >"$logdir/dockerd-$driver.log" 2>&1 &
  PRIVATE_DOCKERD_PID=$!
  for _ in $(seq 1 60); do
    if docker info >/dev/null 2>&1; then return 0; fi
    kill -0 "$PRIVATE_DOCKERD_PID" 2>/dev/null || break
    sleep 0.5
  done
  kill "$PRIVATE_DOCKERD_PID" 2>/dev/null; wait "$PRIVATE_DOCKERD_PID" 2>/dev/null || true
  PRIVATE_DOCKERD_PID=""
  log "dockerd with storage driver $driver did not come up:"; tail -n 15 "$logdir/dockerd-$driver.log" | sed 's/^/    | /'
  return 1
}

ensure_dockerd() {
  local logdir="$1"
  if docker info >/dev/null 2>&1; then
    log "a Docker daemon already answers on its socket: using it (it will not be stopped)"
    return 0
  fi
  start_private_dockerd overlay2 "$logdir" || start_private_dockerd vfs "$logdir" || return 1
  log "dockerd pid $PRIVATE_DOCKERD_PID, storage driver $(docker info -f '{{.Driver}}')"
}

stop_private_dockerd() {
  [ -n "$PRIVATE_DOCKERD_PID" ] || return 0
  kill "$PRIVATE_DOCKERD_PID" 2>/dev/null
  for _ in $(seq 1 60); do kill -0 "$PRIVATE_DOCKERD_PID" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$PRIVATE_DOCKERD_PID" 2>/dev/null
  log "stopped the dockerd this script started (pid $PRIVATE_DOCKERD_PID)"
  PRIVATE_DOCKERD_PID=""
}
