# shellcheck shell=bash
# Shared by the scripts that run a local cluster in .cluster/ (start-cluster, stop-cluster, add-node, remove-node).
# Sourced, not run: it expects $cluster (the .cluster folder, or HTTPRAFT_CLUSTER_DIR) to be set.
# shellcheck disable=SC2154 # $cluster and $targets are set by the script that sources this file
#
# A local node lives in .cluster/node-N: its working directory, with its output in .cluster/node-N.log and its process
# id in .cluster/node-N.pid. A bootstrap node (start-cluster.sh) has the cluster's peers.json there and its id is N,
# its position in the file. A node that joined (add-node.sh) keeps its data in .cluster/node-N/data, where the
# member.json the node wrote when it joined records the id the leader gave it. A node removed by remove-node.sh is
# marked with a file .cluster/node-N/removed, so start-cluster.sh does not start it again.
# No jq is needed: the JSON read here is peers.json's flat lists, member.json and GET /cluster, whose shapes are fixed.

# Path $1 as the user is shown it: relative to the repository root (the scripts' working directory) when under it.
shown() { echo "${1#"$PWD"/}"; }

# True if $1 is the pid of a live HttpRaft process (not a recycled pid of something else).
alive() { kill -0 "$1" 2>/dev/null && grep -q HttpRaft.dll "/proc/$1/cmdline" 2>/dev/null; }

# True if the pid file $1 names a live HttpRaft process.
running() {
  local pid
  [ -f "$1" ] && pid=$(cat "$1") && [ -n "$pid" ] && alive "$pid"
}

# The strings of the flat JSON array $2 in file $1, one a line (peers.json's "peers" and "apis").
json_list() {
  tr -d '\n\r' <"$1" | sed -n "s/.*\"$2\"[[:space:]]*:[[:space:]]*\[\([^]]*\)\].*/\1/p" | grep -o '"[^"]*"' | tr -d '"' || true
}

# The node id of the local node directory $1: from its member.json if it joined, else the N of node-N.
# (member.json lists this node's own fields before its "seeds", so the first "id" and "api" are its own.)
node_id() {
  local member="$1/data/member.json"
  if [ -f "$member" ]; then
    grep -o '"id": *[0-9]*' "$member" | head -n 1 | grep -o '[0-9]*$'
  else
    basename "$1" | sed 's/^node-//'
  fi
}

# The client API address (host:port) of the local node directory $1.
node_api() {
  local member="$1/data/member.json"
  if [ -f "$member" ]; then
    grep -o '"api": *"[^"]*"' "$member" | head -n 1 | sed 's/.*"\([^"]*\)"$/\1/'
  elif [ -f "$1/peers.json" ]; then
    json_list "$1/peers.json" apis | sed -n "$(($(node_id "$1") + 1))p"
  fi
}

# The directories of the local nodes that run now, one a line.
running_node_dirs() {
  local pidfile
  for pidfile in "$cluster"/node-*.pid; do
    if running "$pidfile"; then echo "${pidfile%.pid}"; fi
  done
}

# GET /cluster's members on stdin as lines "id peer api role".
cluster_members() {
  grep -o '{"id":[0-9]*,"peer":"[^"]*","api":"[^"]*","role":"[a-z]*"' \
    | sed 's/{"id":\([0-9]*\),"peer":"\([^"]*\)","api":"\([^"]*\)","role":"\([a-z]*\)"/\1 \2 \3 \4/' || true
}

# The "detail" of a problem+json body $1, or the body itself.
problem_detail() {
  local detail
  detail=$(sed -n 's/.*"detail":"\([^"]*\)".*/\1/p' <<<"$1")
  echo "${detail:-$1}"
}

# cluster_request METHOD PATH [BODY]: sends the request to the addresses in the array $targets in turn, following
# 307s to the leader, until one answers with something other than 503 or a failed connection, or
# HTTPRAFT_REQUEST_TIMEOUT seconds (default 30) pass. Sets $status (000 when nothing answered) and $body.
# HTTPRAFT_API_KEY, when set, is sent as the admin key; --location-trusted keeps it on the redirect to the leader,
# which curl would otherwise drop because the leader listens on another port.
# shellcheck disable=SC2034 # $status and $body are this function's results
cluster_request() {
  local method=$1 path=$2 data=${3:-} target
  local deadline=$((SECONDS + ${HTTPRAFT_REQUEST_TIMEOUT:-30}))
  local out
  out=$(mktemp)
  local args=(-sS --max-redirs 5 --max-time 20 -o "$out" -w '%{http_code}' -X "$method")
  if [ -n "${HTTPRAFT_API_KEY:-}" ]; then
    args+=(--location-trusted -H "Authorization: Bearer $HTTPRAFT_API_KEY")
  else
    args+=(-L)
  fi
  if [ -n "$data" ]; then args+=(-H 'Content-Type: application/json' -d "$data"); fi
  while :; do
    for target in "${targets[@]}"; do
      status=$(curl "${args[@]}" "http://$target$path" 2>/dev/null) || status=000
      body=$(cat "$out")
      if [ "$status" != 503 ] && [ "$status" != 000 ]; then rm -f "$out"; return 0; fi
    done
    if [ "$SECONDS" -ge "$deadline" ]; then rm -f "$out"; return 0; fi
    sleep 1
  done
}

# stop_pids PID...: SIGTERM (a graceful stop: a leader hands over first), then SIGKILL for any still alive after
# HTTPRAFT_STOP_TIMEOUT seconds (default 10).
stop_pids() {
  local pid
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  local deadline=$((SECONDS + ${HTTPRAFT_STOP_TIMEOUT:-10}))
  for pid in "$@"; do
    while alive "$pid" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
    if alive "$pid"; then echo "pid $pid did not stop in time; killing it"; kill -KILL "$pid" 2>/dev/null || true; fi
  done
}
