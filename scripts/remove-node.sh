#!/usr/bin/env bash
# Removes member ID from the running local cluster, then stops its process if it is a local one.
#
#   scripts/remove-node.sh ID
#
# Sends DELETE /cluster/members/ID to a running local node (another one than ID first), following the redirect to
# the leader; removing the leader itself makes it hand leadership over first and redirect to the new leader, which
# removes it. Retries while the answer is 503 (another change pending, an election) for up to
# HTTPRAFT_REQUEST_TIMEOUT seconds (default 30). Once the removal has committed (200), the local process of node ID,
# if there is one (.cluster/node-N.pid), gets SIGTERM (SIGKILL after HTTPRAFT_STOP_TIMEOUT seconds, default 10) and
# its directory is marked removed, so scripts/start-cluster.sh does not start it again; its log and data stay.
# The id is never used again. A node that is not local keeps running as "removed" until you stop it.
# HTTPRAFT_API_KEY is sent as the admin key when the cluster has API keys. HTTPRAFT_CLUSTER_DIR: as for
# scripts/start-cluster.sh.
# Exit codes: 0 removed, 1 refused or no answer (the reason is printed), 2 usage or no running cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
cluster=$(realpath -m "${HTTPRAFT_CLUSTER_DIR:-.cluster}")
. scripts/cluster-lib.sh

if [ $# -ne 1 ] || ! [[ "$1" =~ ^[0-9]+$ ]]; then
  echo "usage: scripts/remove-node.sh ID   (the member's id, as GET /cluster lists it)" >&2
  exit 2
fi
id=$1
command -v curl >/dev/null || { echo "remove-node: curl is required (apt-get install curl)" >&2; exit 2; }

mapfile -t dirs < <(running_node_dirs)
[ "${#dirs[@]}" -gt 0 ] || { echo "remove-node: no local node is running; start a cluster with scripts/start-cluster.sh" >&2; exit 2; }
# The other nodes first: the one removed would only redirect, or hand over and redirect if it leads.
targets=()
for dir in "${dirs[@]}"; do
  if [ "$(node_id "$dir")" != "$id" ]; then targets+=("$(node_api "$dir")"); fi
done
local_dir="" # the node's directory in .cluster, running or not
for dir in "$cluster"/node-*/; do
  dir=${dir%/}
  if [ -d "$dir" ] && [ "$(node_id "$dir")" = "$id" ]; then local_dir=$dir; fi
done
if [ -n "$local_dir" ] && running "$local_dir.pid"; then targets+=("$(node_api "$local_dir")"); fi

stop_local() {
  if [ -z "$local_dir" ]; then
    echo "node $id is not a local node (no node directory in $(shown "$cluster") is it): stop its process yourself; until then it reports \"role\": \"removed\""
    return
  fi
  local name
  name=$(basename "$local_dir")
  if running "$local_dir.pid"; then
    echo "stopping $name (pid $(cat "$local_dir.pid"))"
    stop_pids "$(cat "$local_dir.pid")"
  else
    echo "$name was not running"
  fi
  rm -f "$local_dir.pid"
  # scripts/start-cluster.sh does not start a removed node again.
  touch "$local_dir/removed"
  echo "its output ($(shown "$cluster/$name.log")) and its directory $(shown "$cluster/$name") stay"
}

cluster_request DELETE "/cluster/members/$id"
case "$status" in
  200)
    echo "removed node $id; the members now: $(cluster_members <<<"$body" | awk '{printf "%s%s (%s)", sep, $1, $4; sep=", "}')"
    stop_local
    ;;
  404)
    # Removed earlier (say the process could not be stopped then): the node says so itself.
    if [ -n "$local_dir" ] && running "$local_dir.pid" && curl -fsS --max-time 2 "http://$(node_api "$local_dir")/status" 2>/dev/null | grep -q '"role":"removed"'; then
      echo "node $id was removed already"
      stop_local
    else
      echo "remove-node: no member has id $id (GET /cluster lists the members)" >&2
      exit 1
    fi
    ;;
  000) echo "remove-node: no node answered at ${targets[*]}" >&2; exit 1 ;;
  *) echo "remove-node: DELETE /cluster/members/$id answered $status: $(problem_detail "$body")" >&2; exit 1 ;;
esac
