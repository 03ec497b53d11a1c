# shellcheck shell=bash
# Sourced by the CI scripts that run in named stages (scripts/docker-e2e.sh,
# scripts/setup-check.sh), after setting STAGES_NAME (their log prefix): `stage NAME` starts a
# stage and times the one before, `fail MSG` names the stage it failed in, `log MSG` stamps the
# time, and `print_timings CODE` (from the caller's EXIT trap) prints every stage's seconds, the
# unfinished one marked failed, and the total; `exit_stages CODE DIR` ends that trap: removes the
# caller's scratch folder DIR, prints the timings and exits with CODE.
STAGE="start"
STAGE_START=$SECONDS
STAGES_START=$SECONDS
TIMINGS=()

log() { echo "[$STAGES_NAME $(date -u +%H:%M:%S)] $*"; }
fail() { echo "[$STAGES_NAME] FAILED in stage '$STAGE': $*" >&2; exit 1; }
time_stage() { TIMINGS+=("$(printf '%-22s %4ds' "$1" $((SECONDS - STAGE_START)))"); }
stage() {
  time_stage "$STAGE"
  STAGE="$1"; STAGE_START=$SECONDS
  echo; log "== $STAGE"
}
# The stage the EXIT trap found running: it failed, unless the script reached "done".
end_stage() {
  [ "$STAGE" = "done" ] || time_stage "$STAGE (failed)"
  STAGE="$1"; STAGE_START=$SECONDS
}
print_timings() {
  echo; echo "[$STAGES_NAME] stage timings:"; printf '  %s\n' "${TIMINGS[@]}"
  echo "[$STAGES_NAME] total $((SECONDS - STAGES_START))s, exit $1"
}
exit_stages() {
  rm -rf "$2"
  print_timings "$1"
  exit "$1"
}
