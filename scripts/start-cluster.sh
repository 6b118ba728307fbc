#!/usr/bin/env bash
# Starts a local HttpRaft cluster (three nodes with the default peers.example.json) as background processes.
#
#   scripts/start-cluster.sh [--clean] [CONFIG]
#
# Builds src/HttpRaft once (Release), gives each node its own working directory .cluster/node-N holding a
# copy of CONFIG as peers.json (its log data lands in .cluster/node-N/data), writes its output to
# .cluster/node-N.log and its process id to .cluster/node-N.pid, then waits until a node reports ready
# (a leader is elected) and prints where each node's API and Swagger UI are.
# --clean deletes .cluster first (the nodes' logs and data). Stop the cluster with scripts/stop-cluster.sh.
# HTTPRAFT_START_TIMEOUT (seconds, default 60) bounds the wait for readiness.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
cluster="$root/.cluster"

clean=false
if [ "${1:-}" = "--clean" ]; then clean=true; shift; fi
config="${1:-peers.example.json}"
[ -f "$config" ] || { echo "start-cluster: no such file: $config" >&2; exit 2; }
command -v curl >/dev/null || { echo "start-cluster: curl is required (apt-get install curl)" >&2; exit 2; }
config=$(cd "$(dirname "$config")" && pwd)/$(basename "$config")

# The "apis" array of the config, one address a line (no jq needed: the file is the original's flat format).
mapfile -t apis < <(tr -d '\n\r' <"$config" \
  | sed -n 's/.*"apis"[[:space:]]*:[[:space:]]*\[\([^]]*\)\].*/\1/p' | grep -o '"[^"]*"' | tr -d '"')
[ "${#apis[@]}" -gt 0 ] || { echo "start-cluster: $config has no \"apis\" array" >&2; exit 2; }

running() { # $1 = pid file; true if it names a live HttpRaft process
  local pid
  [ -f "$1" ] && pid=$(cat "$1") && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null \
    && grep -q HttpRaft.dll "/proc/$pid/cmdline" 2>/dev/null
}

for pidfile in "$cluster"/node-*.pid; do
  if running "$pidfile"; then
    echo "start-cluster: a cluster is already running ($pidfile); stop it with scripts/stop-cluster.sh" >&2
    exit 1
  fi
done

echo "Building src/HttpRaft (Release)..."
dotnet build -c Release src/HttpRaft -nologo -v quiet
dll=$(dotnet msbuild src/HttpRaft -nologo -p:Configuration=Release -getProperty:TargetPath)
[ -f "$dll" ] || { echo "start-cluster: build output not found: $dll" >&2; exit 1; }

if $clean; then rm -rf "$cluster"; fi
mkdir -p "$cluster"
for id in "${!apis[@]}"; do
  dir="$cluster/node-$id"
  mkdir -p "$dir"
  cp "$config" "$dir/peers.json"
  (cd "$dir" && exec nohup dotnet "$dll" "$id" >"$cluster/node-$id.log" 2>&1 </dev/null) &
  echo $! >"$cluster/node-$id.pid"
done

deadline=$((SECONDS + ${HTTPRAFT_START_TIMEOUT:-60}))
ready=""
while [ -z "$ready" ]; do
  for id in "${!apis[@]}"; do
    if ! kill -0 "$(cat "$cluster/node-$id.pid")" 2>/dev/null; then
      echo "start-cluster: node $id exited; the end of .cluster/node-$id.log:" >&2
      tail -n 20 "$cluster/node-$id.log" >&2
      scripts/stop-cluster.sh >/dev/null
      exit 1
    fi
    if curl -fsS -o /dev/null --max-time 1 "http://${apis[$id]}/health/ready" 2>/dev/null; then ready=$id; break; fi
  done
  if [ -z "$ready" ]; then
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "start-cluster: no node became ready within ${HTTPRAFT_START_TIMEOUT:-60} s; see .cluster/node-*.log" >&2
      exit 1
    fi
    sleep 0.2
  fi
done

echo
echo "HttpRaft cluster of ${#apis[@]} nodes is up (node $ready reports ready)."
for id in "${!apis[@]}"; do
  printf '  node %s  pid %-7s API http://%s   Swagger UI http://%s/swagger   log .cluster/node-%s.log\n' \
    "$id" "$(cat "$cluster/node-$id.pid")" "${apis[$id]}" "${apis[$id]}" "$id"
done
echo
echo "Try:   curl -s -X POST http://${apis[0]}/request -H 'Content-Type: application/json' -d '{\"entry\":\"hello\"}'"
echo "       curl -s http://${apis[0]}/status"
echo "Stop:  scripts/stop-cluster.sh"
