#!/usr/bin/env bash
# Stops the nodes that scripts/start-cluster.sh started (the pids in .cluster/node-N.pid).
# Each gets SIGTERM (a graceful shutdown) and, if still alive after HTTPRAFT_STOP_TIMEOUT seconds
# (default 10), SIGKILL. The nodes' logs and data stay in .cluster/ (start-cluster.sh --clean removes them).
set -uo pipefail
cd "$(dirname "$0")/.."
cluster="$(pwd)/.cluster"

alive() { kill -0 "$1" 2>/dev/null && grep -q HttpRaft.dll "/proc/$1/cmdline" 2>/dev/null; }

pids=()
for pidfile in "$cluster"/node-*.pid; do
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  if [ -n "$pid" ] && alive "$pid"; then
    kill -TERM "$pid" && pids+=("$pid") && echo "stopping $(basename "$pidfile" .pid) (pid $pid)"
  fi
  rm -f "$pidfile"
done
[ "${#pids[@]}" -gt 0 ] || { echo "no HttpRaft node is running"; exit 0; }

deadline=$((SECONDS + ${HTTPRAFT_STOP_TIMEOUT:-10}))
for pid in "${pids[@]}"; do
  while alive "$pid" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
  if alive "$pid"; then echo "pid $pid did not stop in time; killing it"; kill -KILL "$pid"; fi
done
echo "stopped"
