#!/usr/bin/env bash
# Stops every local node in .cluster/: the ones scripts/start-cluster.sh started and the ones scripts/add-node.sh
# added (the pids in .cluster/node-N.pid). Each gets SIGTERM (a graceful shutdown) and, if still alive after
# HTTPRAFT_STOP_TIMEOUT seconds (default 10), SIGKILL. The nodes' logs and data stay in .cluster/ (start-cluster.sh
# --clean removes them). HTTPRAFT_CLUSTER_DIR: as for scripts/start-cluster.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
cluster=$(realpath -m "${HTTPRAFT_CLUSTER_DIR:-.cluster}")
. scripts/cluster-lib.sh

pids=()
for pidfile in "$cluster"/node-*.pid; do
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  if [ -n "$pid" ] && alive "$pid"; then
    pids+=("$pid") && echo "stopping $(basename "$pidfile" .pid) (pid $pid)"
  fi
  rm -f "$pidfile"
done
[ "${#pids[@]}" -gt 0 ] || { echo "no HttpRaft node is running"; exit 0; }

stop_pids "${pids[@]}"
echo "stopped"
