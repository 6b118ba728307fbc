#!/usr/bin/env bash
# Starts a new local node that joins the running local cluster (scripts/start-cluster.sh), as docs/operations.md
# describes under Membership.
#
#   scripts/add-node.sh [--learner]
#
# Picks the next free ports (one above the highest peer and API ports the members use, skipping ports in use),
# gives the node the working directory .cluster/node-N (its data in .cluster/node-N/data, where it records its id in
# member.json), its output in .cluster/node-N.log and its pid in .cluster/node-N.pid, and starts it with
# `--join` through a running local node. Without --learner it joins as a voter: a learner the leader promotes once
# it has caught up, and the script waits for that. With --learner the script first adds it with
# POST /cluster/members {"role": "learner"}, then starts it (the node finds itself a member and takes that id); it
# stays a learner until POST /cluster/members/ID/promote. Either way the script waits until GET /cluster on the new
# node lists it, then prints its id and addresses. N is usually the id the leader gives it; the id is what the
# cluster routes and scripts/remove-node.sh take.
#
# It copies a bootstrap node's peers.json into the new directory, so the node shares the cluster's other settings
# (clusterSecret, apiKeys, timing); a joined node ignores the lists in it. HTTPRAFT_API_KEY is sent as the admin key
# when the cluster has API keys. HTTPRAFT_JOIN_TIMEOUT (seconds, default 120) bounds the wait. HTTPRAFT_CLUSTER_DIR:
# as for scripts/start-cluster.sh.
# If the node finds a port taken when it starts (it checks both before it asks to join), the next ports are tried, up
# to five times. If it fails otherwise, a member added for it is removed again, so none waits for a node that never
# comes.
# Exit codes: 0 joined, 1 the join failed (the reason is printed), 2 usage or no running cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
cluster=$(realpath -m "${HTTPRAFT_CLUSTER_DIR:-.cluster}")
. scripts/cluster-lib.sh

learner=false
case "${1:-}" in
  --learner) learner=true ;;
  "") ;;
  *) echo "usage: scripts/add-node.sh [--learner]" >&2; exit 2 ;;
esac
command -v curl >/dev/null || { echo "add-node: curl is required (apt-get install curl)" >&2; exit 2; }

mapfile -t dirs < <(running_node_dirs)
[ "${#dirs[@]}" -gt 0 ] || { echo "add-node: no local node is running; start a cluster with scripts/start-cluster.sh" >&2; exit 2; }
targets=()
for dir in "${dirs[@]}"; do
  api=$(node_api "$dir")
  if [ -n "$api" ]; then targets+=("$api"); fi
done
[ "${#targets[@]}" -gt 0 ] || { echo "add-node: cannot tell the running nodes' API addresses" >&2; exit 2; }

# Runs the same build as the cluster: the HttpRaft.dll a running node was started from.
dll=$(tr '\0' '\n' <"/proc/$(cat "${dirs[0]}.pid")/cmdline" | grep 'HttpRaft.dll$' | head -n 1)
[ -f "$dll" ] || { echo "add-node: cannot find the HttpRaft.dll node $(node_id "${dirs[0]}") runs" >&2; exit 2; }

cluster_request GET /cluster
[ "$status" = 200 ] || { echo "add-node: GET /cluster answered $status: $(problem_detail "$body")" >&2; exit 1; }
mapfile -t members < <(cluster_members <<<"$body")

# N: above every local directory and every member id, so that it is normally the id the leader gives next.
n=-1
for dir in "$cluster"/node-*/; do
  dir=${dir%/}
  num=${dir##*/node-}
  if [[ "$num" =~ ^[0-9]+$ ]] && [ "$num" -gt "$n" ]; then n=$num; fi
done
taken=() # host:port of every member, whether it runs or not
peer_max=0
api_max=0
for member in "${members[@]}"; do
  read -r id peer api _ <<<"$member"
  taken+=("$peer" "$api")
  if [ "$id" -gt "$n" ]; then n=$id; fi
  if [ "${peer##*:}" -gt "$peer_max" ]; then peer_max=${peer##*:}; fi
  if [ "${api##*:}" -gt "$api_max" ]; then api_max=${api##*:}; fi
done
n=$((n + 1))
name="node-$n"
dir="$cluster/$name"

port_free() { # $1 = port: no member has it, and no socket here uses it (listening, or as a connection's own port)
  local address
  for address in "${taken[@]}"; do [ "${address##*:}" != "$1" ] || return 1; done
  if command -v ss >/dev/null; then
    [ -z "$(ss -Htan "sport = :$1" 2>/dev/null)" ]
  elif (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
    return 1
  fi
}
next_port() { # $1 = the port to try first
  local port=$1
  while ! port_free "$port"; do port=$((port + 1)); done
  echo "$port"
}
remove_member() { # $1 = id: takes back a member this attempt added, whose node did not come
  cluster_request DELETE "/cluster/members/$1"
  if [ "$status" = 200 ]; then
    echo "add-node: removed member $1 again" >&2
  else
    echo "add-node: could not remove member $1 again ($status: $(problem_detail "$body")); remove it with scripts/remove-node.sh $1" >&2
  fi
}
# wait_for_node: until GET /cluster on the new node lists it (joining as a voter: as a voter); sets $mine. Returns 1 if
# the node exited, 2 at the deadline.
wait_for_node() {
  local seen
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then return 1; fi
    seen=$(curl -fsS --max-time 2 "http://$api/cluster" 2>/dev/null || true)
    mine=$(cluster_members <<<"$seen" | awk -v peer="$peer" '$2 == peer' || true)
    if [ -n "$mine" ] && { $learner || [ "$(awk '{print $4}' <<<"$mine")" = voter ]; }; then return 0; fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "add-node: $name is not $want after ${HTTPRAFT_JOIN_TIMEOUT:-120} s (GET /cluster on it: ${seen:-no answer}); see $(shown "$cluster/$name.log")" >&2
      return 2
    fi
    sleep 0.5
  done
}

deadline=$((SECONDS + ${HTTPRAFT_JOIN_TIMEOUT:-120}))
if $learner; then want="a member"; else want="a voter"; fi
peer_port=$((peer_max + 1))
api_port=$((api_max + 1))
# A port found free can be taken before the node binds it (an outgoing connection's own port, on a busy machine). The
# node checks both before it asks to join, so then it exits without having joined, and the next ports are tried.
for attempt in 1 2 3 4 5; do
  peer="localhost:$(next_port "$peer_port")"
  taken+=("$peer")
  api="localhost:$(next_port "$api_port")"
  taken+=("$api")
  added=""
  if $learner; then
    cluster_request POST /cluster/members "{\"peer\":\"$peer\",\"api\":\"$api\",\"role\":\"learner\"}"
    [ "$status" = 201 ] || { echo "add-node: POST /cluster/members answered $status: $(problem_detail "$body")" >&2; exit 1; }
    added=$(sed -n 's/.*"id":\([0-9]*\).*/\1/p' <<<"$body")
    echo "added a learner at peer $peer, API $api: $body"
  fi

  rm -rf "$dir"
  mkdir -p "$dir"
  for config in "$cluster"/node-*/peers.json; do
    if [ -f "$config" ]; then cp "$config" "$dir/peers.json"; break; fi
  done
  join_args=(--join "http://${targets[0]}" --peer "$peer" --api "$api" --data-dir data)
  if [ -n "${HTTPRAFT_API_KEY:-}" ]; then join_args+=(--api-key "$HTTPRAFT_API_KEY"); fi
  (cd "$dir" && exec nohup dotnet "$dll" "${join_args[@]}" >"$cluster/$name.log" 2>&1 </dev/null) &
  pid=$!
  echo "$pid" >"$cluster/$name.pid"
  echo "started $name (pid $pid): dotnet HttpRaft.dll ${join_args[*]}"

  mine=""
  outcome=0
  wait_for_node || outcome=$?
  if [ "$outcome" -eq 0 ]; then break; fi
  if [ "$outcome" -eq 2 ]; then exit 1; fi
  rm -f "$cluster/$name.pid"
  if [ "$attempt" -lt 5 ] && [ ! -f "$dir/data/member.json" ] && grep -q 'is already in use' "$cluster/$name.log"; then
    echo "add-node: $(tail -n 1 "$cluster/$name.log"); trying the next ports" >&2
    if [ -n "$added" ]; then remove_member "$added"; fi
    peer_port=$((${peer##*:} + 1))
    api_port=$((${api##*:} + 1))
    continue
  fi
  echo "add-node: $name exited; the end of $(shown "$cluster/$name.log"):" >&2
  tail -n 20 "$cluster/$name.log" >&2
  # It may have joined before it failed: take the member back, so that no member waits for a node that never comes.
  if [ -n "$added" ]; then
    remove_member "$added"
  elif [ -f "$dir/data/member.json" ]; then
    remove_member "$(node_id "$dir")"
  fi
  exit 1
done

read -r id _ _ role <<<"$mine"
echo
echo "node $id joined as a $role: peer $peer, API http://$api, pid $pid, log $(shown "$cluster/$name.log"), data $(shown "$cluster/$name/data")"
echo "Check: curl -s http://$api/cluster"
echo "Remove it: scripts/remove-node.sh $id"
