#!/usr/bin/env bash
# Starts a local HttpRaft cluster (three nodes with the default peers.example.json) as background processes.
#
#   scripts/start-cluster.sh [--clean] [CONFIG]
#
# Builds src/HttpRaft once (Release), gives each node its own working directory .cluster/node-N holding a
# copy of CONFIG as peers.json (its log data lands in .cluster/node-N/data), writes its output to
# .cluster/node-N.log and its process id to .cluster/node-N.pid, then waits until a node reports ready
# (a leader is elected) and prints where each node's API and Swagger UI are.
# --clean deletes .cluster first (the nodes' logs and data). Without it, the nodes that scripts/add-node.sh added
# start again too (from the member.json in their data directory), and nodes that scripts/remove-node.sh removed do
# not. Stop the cluster with scripts/stop-cluster.sh.
# HTTPRAFT_START_TIMEOUT (seconds, default 60) bounds the wait for readiness. HTTPRAFT_DLL runs that HttpRaft.dll
# instead of building one; HTTPRAFT_CLUSTER_DIR puts the nodes somewhere else than .cluster (relative paths, CONFIG's
# too, are taken from the repository root). The other scripts read HTTPRAFT_CLUSTER_DIR as well.
set -euo pipefail
cd "$(dirname "$0")/.."
cluster=$(realpath -m "${HTTPRAFT_CLUSTER_DIR:-.cluster}")
. scripts/cluster-lib.sh

clean=false
if [ "${1:-}" = "--clean" ]; then clean=true; shift; fi
config="${1:-peers.example.json}"
[ -f "$config" ] || { echo "start-cluster: no such file: $config" >&2; exit 2; }
command -v curl >/dev/null || { echo "start-cluster: curl is required (apt-get install curl)" >&2; exit 2; }
config=$(cd "$(dirname "$config")" && pwd)/$(basename "$config")

mapfile -t apis < <(json_list "$config" apis)
[ "${#apis[@]}" -gt 0 ] || { echo "start-cluster: $config has no \"apis\" array" >&2; exit 2; }

for pidfile in "$cluster"/node-*.pid; do
  if running "$pidfile"; then
    echo "start-cluster: a cluster is already running ($pidfile); stop it with scripts/stop-cluster.sh" >&2
    exit 1
  fi
done

if [ -n "${HTTPRAFT_DLL:-}" ]; then
  dll=$(realpath -m "$HTTPRAFT_DLL")
  [ -f "$dll" ] || { echo "start-cluster: HTTPRAFT_DLL names no file: $HTTPRAFT_DLL" >&2; exit 2; }
else
  echo "Building src/HttpRaft (Release)..."
  dotnet build -c Release src/HttpRaft -nologo -v quiet
  dll=$(dotnet msbuild src/HttpRaft -nologo -p:Configuration=Release -getProperty:TargetPath)
  [ -f "$dll" ] || { echo "start-cluster: build output not found: $dll" >&2; exit 1; }
fi

if $clean; then rm -rf "$cluster"; fi
mkdir -p "$cluster"
started=() # the node-N directory names started now, in order
start_node() { # $1 = node-N; the rest: the node's arguments
  local name=$1
  shift
  (cd "$cluster/$name" && exec nohup dotnet "$dll" "$@" >"$cluster/$name.log" 2>&1 </dev/null) &
  echo $! >"$cluster/$name.pid"
  started+=("$name")
}
for id in "${!apis[@]}"; do
  dir="$cluster/node-$id"
  if [ -f "$dir/removed" ]; then echo "node $id was removed from the cluster (scripts/remove-node.sh): not starting it"; continue; fi
  mkdir -p "$dir"
  cp "$config" "$dir/peers.json"
  start_node "node-$id" "$id"
done
# Nodes that joined later restart from their member.json: no --join, no peers.json list needed.
for dir in "$cluster"/node-*/; do
  dir=${dir%/}
  if [ -f "$dir/data/member.json" ] && [ ! -f "$dir/removed" ]; then start_node "$(basename "$dir")" --data-dir data; fi
done

deadline=$((SECONDS + ${HTTPRAFT_START_TIMEOUT:-60}))
ready=""
while [ -z "$ready" ]; do
  for name in "${started[@]}"; do
    if ! kill -0 "$(cat "$cluster/$name.pid")" 2>/dev/null; then
      echo "start-cluster: $name exited; the end of $(shown "$cluster/$name.log"):" >&2
      tail -n 20 "$cluster/$name.log" >&2
      scripts/stop-cluster.sh >/dev/null
      exit 1
    fi
    if curl -fsS -o /dev/null --max-time 1 "http://$(node_api "$cluster/$name")/health/ready" 2>/dev/null; then ready=$name; break; fi
  done
  if [ -z "$ready" ]; then
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "start-cluster: no node became ready within ${HTTPRAFT_START_TIMEOUT:-60} s; see $(shown "$cluster")/node-*.log" >&2
      exit 1
    fi
    sleep 0.2
  fi
done

echo
echo "HttpRaft cluster of ${#started[@]} nodes is up (node $(node_id "$cluster/$ready") reports ready)."
for name in "${started[@]}"; do
  api=$(node_api "$cluster/$name")
  printf '  node %s  pid %-7s API http://%s   Swagger UI http://%s/swagger   log %s\n' \
    "$(node_id "$cluster/$name")" "$(cat "$cluster/$name.pid")" "$api" "$api" "$(shown "$cluster/$name.log")"
done
ready_api=$(node_api "$cluster/$ready")
echo
echo "Try:   curl -s -X POST http://$ready_api/request -H 'Content-Type: application/json' -d '{\"entry\":\"hello\"}'"
echo "       curl -s http://$ready_api/status"
echo "Grow:  scripts/add-node.sh; shrink: scripts/remove-node.sh ID"
echo "Stop:  scripts/stop-cluster.sh"
