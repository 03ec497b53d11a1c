# shellcheck shell=bash
# Sourced by the e2e scripts (docker-e2e.sh, swarm-e2e.sh), which define log and fail:
# `wait_prometheus_targets HOW` waits up to 60 s until the Prometheus on 127.0.0.1:9090 has
# active targets and every one reports up (scrapes run every second), else fails naming the
# targets that are down and why; HOW is said in the success line (e.g. dockerswarm_sd).
wait_prometheus_targets() {
  local how="${1:-}" deadline=$((SECONDS + 60)) summary total down rest
  while :; do
    summary="$(node -e '
      fetch("http://127.0.0.1:9090/api/v1/targets?state=active").then((r) => r.json()).then((j) => {
        const t = j.data.activeTargets;
        const down = t.filter((x) => x.health !== "up").map((x) => `${x.labels.job}(${x.health}${x.lastError ? ": " + x.lastError : ""})`);
        console.log(`${t.length} ${down.length} ${down.join(" ")}`);
      }, (e) => console.log(`0 -1 ${e.message}`));')"
    read -r total down rest <<<"$summary"
    if [ "$total" -gt 0 ] && [ "$down" = 0 ]; then log "prometheus: all $total targets up${how:+ ($how)}"; return 0; fi
    [ $SECONDS -lt "$deadline" ] || fail "prometheus targets not all up: $total targets, down: $rest"
    sleep 2
  done
}
