# Shared by bench/run.sh and bench/endurance.sh (sourced, not run): messages, apt, the processes a script starts and
# their cleanup, free ports, CPU counters, publishing, and a fresh HttpRaft cluster whose nodes can be restarted.
#
# The sourcing script cds to the repository's root first and sets `keep` (true keeps the temporary directory) and
# `publish` (false reuses bench/.publish); `node_env` (NAME=VALUE words for the node processes) may be set before
# start_httpraft. bench_start creates the temporary directory $work and installs the cleanup.

root=$(pwd)
bench="$root/bench"
publish_dir="$bench/.publish"

fail() { echo "bench: $*" >&2; exit 1; }
note() { echo "bench: $*" >&2; }

# ---------------------------------------------------------------------------------------------- tools
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else return 1; fi; }
apt_install() { # installs Debian packages, running apt-get update only if the first attempt fails
  command -v apt-get >/dev/null || return 1
  as_root apt-get install -y -qq "$@" >/dev/null 2>&1 \
    || { as_root apt-get update -qq >/dev/null 2>&1 && as_root apt-get install -y -qq "$@" >/dev/null 2>&1; }
}
require_tools() { local tool; for tool in "$@"; do command -v "$tool" >/dev/null || fail "$tool is required"; done; }

# BENCH_ENV: NAME=VALUE words only, so nothing but settings reaches the node processes' environment.
read_bench_env() {
  local word
  node_env=()
  for word in ${BENCH_ENV:-}; do
    [[ $word =~ ^[A-Za-z_][A-Za-z0-9_]*=.*$ ]] || fail "BENCH_ENV holds '$word', not a NAME=VALUE setting"
    node_env+=("$word")
  done
}

# ---------------------------------------------------------------------------------------------- processes
pids=()            # every process this script started and has not stopped yet
group_pids=()      # the processes of the target under test (for HttpRaft, indexed by node id; empty while a node is stopped)
group_logs=()
bench_start() {    # $1 = name of the temporary directory's prefix
  work=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  tck=$(getconf CLK_TCK)
}
stop_pids() {      # TERM (to each and to its children), then KILL whatever is still alive 5 s later
  local p deadline=$((SECONDS + 5))
  for p in "$@"; do pkill -TERM -P "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
  for p in "$@"; do
    while kill -0 "$p" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.05; done
    kill -9 "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  untrack "$@"
}
untrack() {        # forgets processes that have ended
  local keep_pids=() q
  for q in "${pids[@]}"; do [[ " $* " == *" $q "* ]] || keep_pids+=("$q"); done
  pids=("${keep_pids[@]}")
}
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  [ ${#pids[@]} -eq 0 ] || stop_pids "${pids[@]}"
  if $keep || [ "$status" -ne 0 ]; then note "logs and data kept in $work"; else rm -rf "$work"; fi
  exit "$status"
}

free_ports() { # N ports below the ephemeral range (so no outgoing connection holds one), each bindable right now
  python3 - "$1" <<'EOF'
import random, socket, sys
socks, ports = [], []
for port in random.sample(range(20000, 32000), 2000):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        s.close(); continue
    socks.append(s); ports.append(port)
    if len(ports) == int(sys.argv[1]): break
print(" ".join(map(str, ports)))
EOF
}

check_alive() { # $1 = label; fails with the end of a dead process's log (a stopped node's empty slot is skipped)
  local i
  for i in "${!group_pids[@]}"; do
    [ -n "${group_pids[$i]}" ] || continue
    if ! kill -0 "${group_pids[$i]}" 2>/dev/null; then
      tail -n 15 "${group_logs[$i]}" >&2 || true
      fail "$1: process ${group_pids[$i]} exited; its log is above (${group_logs[$i]})"
    fi
  done
}
running_pids() { local p; for p in "${group_pids[@]}"; do [ -z "$p" ] || echo "$p"; done; }
stop_group() { local live; live=$(running_pids); [ -z "$live" ] || stop_pids $live; group_pids=(); }

cpu_ticks() { # utime+stime of the given processes, in clock ticks
  local p total=0 s
  for p in "$@"; do
    s=$(cat "/proc/$p/stat" 2>/dev/null) || continue
    s=${s##*) }
    total=$((total + $(awk '{print $12 + $13}' <<<"$s")))
  done
  echo "$total"
}
# user+nice+system+steal of the whole machine; irq and softirq time are left out, since the kernel charges them to no
# process (much of it is this load's own loopback traffic) and they would read as other people's work.
box_ticks() { awk '/^cpu /{print $2 + $3 + $4 + $9; exit}' /proc/stat; }

# first_write TARGET URL_FUNCTION BODY STATUS: repeats one write until it answers STATUS, for at most 30 s (a process
# may still be starting; a new leader answers 503 until its no-op commits).
first_write() {
  local target=$1 url_of=$2 body=$3 want=$4 code deadline=$((SECONDS + 30))
  while :; do
    check_alive "$target"
    $url_of
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST -H 'Content-Type: application/json' \
      -d "$body" "$target_url" || true)
    [ "$code" = "$want" ] && return
    [ "$SECONDS" -lt "$deadline" ] || fail "$target: POST $target_url answered $code, not $want, for 30 s"
    sleep 0.1
  done
}

# ---------------------------------------------------------------------------------------------- publishing
publish() { # $1 = project, $2 = output folder name
  if $publish || [ ! -d "$publish_dir/$2" ]; then
    note "publishing $1 (Release) to bench/.publish/$2"
    dotnet publish "$1" -c Release -o "$publish_dir/$2" -nologo -v quiet >"$work/publish-$2.log" 2>&1 \
      || { tail -n 20 "$work/publish-$2.log" >&2; fail "dotnet publish $1 failed"; }
  fi
}

# ---------------------------------------------------------------------------------------------- HttpRaft
# status_leader NAME API...: sets leader_api to the first API address whose /status says Leader; waits up to 60 s.
# HttpRaft and the DotNext baseline both answer /status with a "role".
status_leader() {
  local name=$1 api deadline=$((SECONDS + 60)); shift
  while :; do
    check_alive "$name"
    for api in "$@"; do
      if curl -fsS --max-time 1 "http://$api/status" 2>/dev/null | grep -q '"role":"Leader"'; then leader_api=$api; return; fi
    done
    [ "$SECONDS" -lt "$deadline" ] || fail "$name: no node reported role Leader within 60 s (logs in $work/$name)"
    sleep 0.1
  done
}
httpraft_leader() { status_leader httpraft "${raft_apis[@]}"; }
httpraft_url() { httpraft_leader; target_url="http://$leader_api/log"; }

# start_httpraft [JSON]: publishes src/HttpRaft, writes $work/httpraft/peers.json (free ports on 127.0.0.1, plus the
# members in JSON, e.g. '"segmentBytes":65536'), starts nodes 0, 1 and 2 there and waits for a first committed write.
start_httpraft() {
  publish src/HttpRaft httpraft
  local ports i
  raft_dir="$work/httpraft"
  mkdir -p "$raft_dir"
  read -ra ports <<<"$(free_ports 6)"
  [ ${#ports[@]} -eq 6 ] || fail "could not find 6 free ports"
  raft_apis=("127.0.0.1:${ports[3]}" "127.0.0.1:${ports[4]}" "127.0.0.1:${ports[5]}")
  printf '{"peers":["127.0.0.1:%s","127.0.0.1:%s","127.0.0.1:%s"],"apis":["%s","%s","%s"]%s}\n' \
    "${ports[0]}" "${ports[1]}" "${ports[2]}" "${raft_apis[@]}" "${1:+,$1}" >"$raft_dir/peers.json"
  group_pids=() group_logs=()
  for i in 0 1 2; do start_httpraft_node "$i"; done
  first_write httpraft httpraft_url '{"entry":"bench: first write"}' 201
  note "httpraft: nodes ${group_pids[*]} up, leader at $leader_api, data in $raft_dir/data"
}

# start_httpraft_node ID: starts node ID in $raft_dir (data in data/node-ID there, the default), its output appended
# to node-ID.log, so a restart keeps the earlier lines.
start_httpraft_node() {
  local i=$1
  (cd "$raft_dir" && exec env ${node_env[@]+"${node_env[@]}"} dotnet "$publish_dir/httpraft/HttpRaft.dll" "$i" \
    >>"$raft_dir/node-$i.log" 2>&1 </dev/null) &
  pids+=($!)
  group_pids[i]=$!
  group_logs[i]="$raft_dir/node-$i.log"
}
