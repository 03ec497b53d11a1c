# shellcheck shell=bash
# Sourced by the CI scripts that start containers (scripts/docker-e2e.sh, scripts/swarm-e2e.sh,
# scripts/setup-check.sh). A run stopped before its own tear-down (killed with its machine's
# session, SIGKILL) leaves its containers in dockerd's state, and the next dockerd restarts
# those with `restart: unless-stopped` (the lab's services) or rejoins the swarm and its
# services: on host networking they hold the lab's ports, and the next run fails its port
# check for a stack nobody is running. Each script clears what an earlier run of its own left,
# found by the labels it sets, and nothing else. They log through the caller's log().

# clear_labelled_containers LABEL [WHAT]: removes every container carrying LABEL (key=value) and
# the volumes labelled the same; WHAT says whose they are in the log line.
clear_labelled_containers() {
  local label="$1" what="${2:-an interrupted earlier run left}" ids vols
  ids="$(docker ps -aq --filter "label=$label")"
  if [ -n "$ids" ]; then
    log "removing $(echo "$ids" | wc -l) container(s) $what ($label)"
    # shellcheck disable=SC2086 # one id a word
    docker rm -f -v $ids >/dev/null
  fi
  vols="$(docker volume ls -q --filter "label=$label")"
  # shellcheck disable=SC2086 # one name a word
  if [ -n "$vols" ]; then docker volume rm $vols >/dev/null; fi
}

# clear_own_swarm STACK ROLE_LABEL: when this daemon is in a swarm that an earlier run of the
# swarm e2e formed (its nodes carry ROLE_LABEL, which only that script sets), removes STACK,
# waits for its containers to go and leaves the swarm. Returns 1 for any other swarm: a
# user's, left alone.
clear_own_swarm() {
  local stack="$1" role_label="$2" state
  state="$(docker info -f '{{.Swarm.LocalNodeState}}')"
  [ "$state" != inactive ] || return 0
  [ "$(docker info -f '{{.Swarm.ControlAvailable}}')" = true ] || return 1
  docker node ls -q | xargs docker node inspect -f "{{index .Spec.Labels \"$role_label\"}}" \
    | grep -q . || return 1
  log "this daemon is in a swarm an interrupted earlier run formed: removing stack $stack, leaving it"
  remove_stack_and_leave "$stack"
}

# remove_stack_and_leave STACK: removes STACK, waits up to a minute for its services and
# containers to go (on host networking its ports are free only then) and leaves the swarm.
# Returns what leaving returned.
remove_stack_and_leave() {
  local stack="$1" label="com.docker.stack.namespace=$1"
  docker stack rm "$stack" >/dev/null 2>&1 || true
  for _ in $(seq 1 60); do
    [ -z "$(docker service ls -q --filter "label=$label")" ] && [ -z "$(docker ps -q --filter "label=$label")" ] && break
    sleep 1
  done
  docker swarm leave --force >/dev/null 2>&1
}

# remove_second_node DIR CGROUP [PID]: stops the second dockerd the swarm e2e runs from DIR (PID,
# else the pid in DIR/dockerd.pid; checked to be a dockerd: a stale file's pid may be anyone's
# now), waits up to 30 s before SIGKILL, unmounts its network namespace, removes DIR and the
# cgroup CGROUP it ran in.
remove_second_node() {
  local dir="$1" cgroup="$2" pid="${3:-}"
  if [ -z "$pid" ] && [ -f "$dir/dockerd.pid" ]; then pid="$(cat "$dir/dockerd.pid")"; fi
  if [ -n "$pid" ] && grep -qa dockerd "/proc/$pid/cmdline" 2>/dev/null; then
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null
  fi
  umount "$dir/exec/netns/default" 2>/dev/null || true
  rm -rf "$dir"
  for c in /sys/fs/cgroup/*/"$cgroup"; do [ -d "$c" ] && find "$c" -depth -type d -exec rmdir {} \; 2>/dev/null; done
  return 0
}
