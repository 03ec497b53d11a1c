# shellcheck shell=bash
# Sourced by the CI scripts that bind the lab's ports on 127.0.0.1 (scripts/docker-e2e.sh,
# scripts/swarm-e2e.sh, scripts/setup-check.sh), from the repository's root.
# `lab_fixed_ports`: the ports the Docker and Swarm stacks bind, every manifest's
# (services/*/service.json) then Prometheus's 9090 and the lab's 8080, on one line.
# `ports_in_use PORT...`: those of the PORTs something answers on at 127.0.0.1, on one line
# (empty when all are free).
lab_fixed_ports() {
  node --input-type=module -e "import { readManifests } from './scripts/generate/manifests.mjs';
  console.log([...(await readManifests()).flatMap((m) => [m.ports.http, m.ports.line ?? []]).flat(), 9090, 8080].join(' '))"
}

ports_in_use() {
  local port busy=()
  for port in "$@"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then busy+=("$port"); fi
  done
  echo "${busy[*]}"
}
