# shellcheck shell=bash
# Sourced by the e2e scripts (docker-e2e.sh, swarm-e2e.sh), which define log, fail and
# wait_healthy, and run from the repository's root.
# `run_fault_scenario RUNTIME LABEL WHAT OUT`: events and recovery against a real daemon. Runs
# scripts/lib/e2e-faults.yaml (a kill, a pause, a restart of each row and an upstream slowdown,
# in one step) with that runtime into OUT, checks its results (scripts/lib/check-fault-run.mjs:
# the events, downtimes, the runtime's own restart after the kill, a recovery per event), then
# waits until every container is back, running and healthy (wait_healthy), and fails if one of
# those labelled LABEL (a `docker ps` label filter) is left paused. WHAT names them in the last
# line (container, service).
run_fault_scenario() {
  local runtime="$1" label="$2" what="$3" out="$4" paused
  node loadgen/bin/lab.mjs run scripts/lib/e2e-faults.yaml --runtime "$runtime" --skip-verify --out "$out"
  node scripts/lib/check-fault-run.mjs "$(find "$out" -name results.json | head -n1)" "$runtime"
  wait_healthy
  paused="$(docker ps -q --filter "label=$label" --filter status=paused)"
  [ -z "$paused" ] || fail "containers left paused after the fault run: $paused"
  log "every $what is back after the fault run"
}
