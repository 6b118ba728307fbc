#!/usr/bin/env bash
# The endurance benchmark: millions of batched appends to a fresh 3-node HttpRaft cluster with retention, so segments
# roll and are deleted, while each node is restarted in turn and a follower is forced onto a snapshot. Every interval
# it samples each node (RSS, open descriptors, segments and bytes in its data directory, first and last index) and the
# append latency of the interval, and it checks that all of it stays flat once retention has engaged. See
# bench/README.md.
#
#   bash bench/endurance.sh [options]
#
#   --appends N           entries to append at least (default 10000000); outside --smoke the load also goes on for
#                         at least 30 s + 12 samples after the last restart, the window in which RSS is judged
#   --max-entries N       retention.maxEntries of the nodes (default 1000000)
#   --segment-bytes N     segmentBytes of the nodes (default 8388608)
#   --interval S          seconds between samples, and the latency interval (default 5)
#   --clients N           load clients, one batch in flight each (default 16)
#   --batch N             entries per POST /log (default 100)
#   --entry-bytes N       bytes per entry (default 100)
#   --rate N              at most N entries/s in all, each client capped at its share (default 0: as fast as answers come)
#   --restart-at F        rolling restart once this fraction of --appends is committed (default 0.3)
#   --snapshot-at F       the forced snapshot once this fraction is committed (default 0.55)
#   --no-rolling-restart  skip the restart of each node in turn
#   --idle-catch-up       pause the load while the forced follower restarts and catches up (default: under load)
#   --timeout S           longest wait for any one step (a node ready, caught up, the cut passing the follower; 600)
#   --smoke               CI: 200000 appends, 4 clients at most 10000 entries/s, maxEntries 20000, 256 KiB segments,
#                         2 s samples, the forced snapshot but no rolling restart
#   --no-publish          reuse bench/.publish from an earlier run
#   --no-save             do not write bench/results/<UTC time>-endurance.md (and .tsv)
#   --keep                keep the temporary directory (node logs, data, raw samples)
#
# BENCH_ENV="NAME=VALUE ..." applies settings to the node processes only, as in run.sh. Exits non-zero if a node died or
# did not stop cleanly, retention never cut the log, the forced follower did not install a snapshot and catch up, or
# segments, bytes on disk or open descriptors kept growing after retention engaged, or (outside --smoke) RSS kept growing
# after the last restart.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
command_line="bash bench/endurance.sh${*:+ $*}"

appends=10000000 max_entries=1000000 segment_bytes=8388608 interval=5 clients=16 batch=100 entry_bytes=100 rate=0
restart_at=0.3 snapshot_at=0.55 rolling=true idle_catch_up=false timeout=600 smoke=false publish=true save=true keep=false
while [ $# -gt 0 ]; do
  case "$1" in
    --appends) appends=$2; shift ;;
    --max-entries) max_entries=$2; shift ;;
    --segment-bytes) segment_bytes=$2; shift ;;
    --interval) interval=$2; shift ;;
    --clients) clients=$2; shift ;;
    --batch) batch=$2; shift ;;
    --entry-bytes) entry_bytes=$2; shift ;;
    --rate) rate=$2; shift ;;
    --restart-at) restart_at=$2; shift ;;
    --snapshot-at) snapshot_at=$2; shift ;;
    --no-rolling-restart) rolling=false ;;
    --idle-catch-up) idle_catch_up=true ;;
    --timeout) timeout=$2; shift ;;
    --smoke) smoke=true ;;
    --no-publish) publish=false ;;
    --no-save) save=false ;;
    --keep) keep=true ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) fail "unknown option $1 (see --help)" ;;
  esac
  shift
done
if $smoke; then appends=200000 max_entries=20000 segment_bytes=262144 interval=2 rate=10000 clients=4 rolling=false save=false; fi
for n in $appends $max_entries $segment_bytes $interval $clients $batch $entry_bytes $timeout; do
  [[ $n =~ ^[0-9]+$ ]] && [ "$n" -gt 0 ] || fail "'$n' is not a positive whole number"
done
[[ $rate =~ ^[0-9]+$ ]] || fail "--rate wants a whole number of entries/s, not '$rate'"
for f in $restart_at $snapshot_at; do [[ $f =~ ^0?\.[0-9]+$ ]] || fail "'$f' is not a fraction between 0 and 1"; done
read_bench_env
require_tools curl python3 dotnet awk find
bench_start httpraft-endurance
started=$(date -u +%Y-%m-%dT%H-%M-%SZ)

now_ms() { date +%s%3N; }
json_num() { grep -o "\"$1\":[0-9]*" | head -n 1 | cut -d: -f2; } # the first number named $1 in the JSON on stdin
status_of() { curl -fsS --max-time 1 "http://${raft_apis[$1]}/status" 2>/dev/null || true; }
events="$work/events.tsv"; : >"$events"
event() { printf '%s\t%s\n' "$(now_ms)" "$*" >>"$events"; note "$*"; }

# ---------------------------------------------------------------------------------------------- the cluster
publish bench/EnduranceLoad endurance-load   # start_httpraft publishes src/HttpRaft
start_httpraft "\"segmentBytes\":$segment_bytes,\"retention\":{\"maxEntries\":$max_entries}"
for i in 0 1 2; do echo "${group_pids[$i]}" >"$work/pid-$i"; done

# The leader's id and, from its /status, commit, first and last index (leader_id is empty while none answers as leader).
read_leader() {
  local i s
  leader_id="" leader_commit=0 leader_first=0 leader_last=0
  for i in 0 1 2; do
    [ -n "${group_pids[$i]:-}" ] || continue
    s=$(status_of "$i")
    if [[ $s == *'"role":"Leader"'* ]]; then
      leader_id=$i
      leader_commit=$(json_num commitIndex <<<"$s"); leader_first=$(json_num firstIndex <<<"$s"); leader_last=$(json_num lastIndex <<<"$s")
      return
    fi
  done
}
# The highest commit index any running node reports: the entries appended so far, give or take a batch.
committed() {
  local i s c best=0
  for i in 0 1 2; do
    [ -n "${group_pids[$i]:-}" ] || continue
    s=$(status_of "$i"); c=$(json_num commitIndex <<<"$s"); [ -n "$c" ] && [ "$c" -gt "$best" ] && best=$c
  done
  echo "$best"
}

# ---------------------------------------------------------------------------------------------- load and samples
# The load tool's INTERVAL lines go through a FIFO to the sampler (endurance-sample.py), which adds a sample of every
# node to each; the nodes' current pids are in $work/pid-N ("-" while stopped), since the sampler is a separate process.
samples="$work/samples.tsv"; : >"$samples"
pause_file="$work/pause"
mkfifo "$work/load.fifo"
python3 "$bench/endurance-sample.py" "$work" "${raft_apis[@]}" "$raft_dir/data/node-0" "$raft_dir/data/node-1" \
  "$raft_dir/data/node-2" <"$work/load.fifo" &
sampler_pid=$!; pids+=("$sampler_pid")
apis_csv=$(IFS=,; echo "${raft_apis[*]}")
dotnet "$publish_dir/endurance-load/EnduranceLoad.dll" --endpoints "$apis_csv" --clients "$clients" --batch "$batch" \
  --entry-bytes "$entry_bytes" --interval "$interval" --rate "$rate" --pause-file "$pause_file" \
  >"$work/load.fifo" 2>"$work/load.err" </dev/null &
load_pid=$!; pids+=("$load_pid")
event "load: $clients clients, batches of $batch × $entry_bytes bytes$([ "$rate" -gt 0 ] && echo ", $rate entries/s")"
load_started=$(now_ms)
box0=$(box_ticks)

load_alive() { kill -0 "$load_pid" 2>/dev/null || { cat "$work/load.err" >&2; fail "the load tool exited early (its output: $work/load.out)"; }; }
# wait_until WHAT SECONDS COMMAND...: polls COMMAND every 0.2 s until it succeeds; fails after SECONDS, or at once if a
# node or the load died.
wait_until() {
  local what=$1 limit=$2 deadline; shift 2
  deadline=$((SECONDS + limit))
  until "$@"; do
    check_alive httpraft
    [ "$SECONDS" -lt "$deadline" ] || fail "$what: not within $limit s (logs in $work/httpraft)"
    sleep 0.2
  done
}
committed_at_least() { load_alive; [ "$(committed)" -ge "$1" ]; }
ready() { [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://${raft_apis[$1]}/health/ready" || true)" = 200 ]; }
# Caught up: its applied index has reached the commit index the leader reported just before.
caught_up() {
  local s applied
  read_leader
  [ -n "$leader_id" ] || return 1
  [ "$leader_id" = "$1" ] && return 0
  s=$(status_of "$1"); applied=$(json_num appliedIndex <<<"$s")
  [ -n "$applied" ] && [ "$applied" -ge "$leader_commit" ]
}

# stop_node ID: SIGTERM, then the exit is waited for (the node hands leadership over first if it leads); a node that
# does not stop within the timeout, or exits with a status other than 0, fails the run. Sets stop_ms.
stop_node() {
  local i=$1 pid=${group_pids[$1]} t0 rc=0
  t0=$(now_ms)
  kill -TERM "$pid"
  local deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || fail "node $i (pid $pid) did not stop within 30 s of SIGTERM"
    sleep 0.05
  done
  wait "$pid" || rc=$?
  stop_ms=$(($(now_ms) - t0))
  untrack "$pid"
  group_pids[i]=""
  echo - >"$work/pid-$i"
  [ "$rc" -eq 0 ] || { tail -n 15 "${group_logs[$i]}" >&2; fail "node $i exited with status $rc on SIGTERM"; }
}
# start_node ID: starts it again on its data directory; sets ready_ms (process start to /health/ready 200),
# caught_ms (to applied ≥ the leader's commit) and log_mark (the node's log lines before this start).
start_node() {
  local i=$1 t0
  log_mark=$(wc -l <"${group_logs[$i]}")
  t0=$(now_ms); start_time=$(date +%H:%M:%S.%3N)
  start_httpraft_node "$i"
  echo "${group_pids[$i]}" >"$work/pid-$i"
  wait_until "node $i ready after its restart" "$timeout" ready "$i"
  ready_ms=$(($(now_ms) - t0))
  wait_until "node $i caught up after its restart" "$timeout" caught_up "$i"
  caught_ms=$(($(now_ms) - t0))
}

# ---------------------------------------------------------------------------------------------- the run
restarts="$work/restarts.tsv"; : >"$restarts"
target() { awk -v n="$appends" -v f="$1" 'BEGIN {printf "%d", n * f}'; }

# Retention first engages after maxEntries + a tenth; restarts wait for that too, so they restart nodes holding a cut log.
wait_until "retention engaging" "$timeout" committed_at_least $((max_entries + max_entries / 10 + 1))
order=""
if $rolling; then
  wait_until "$(target "$restart_at") entries committed" "$((timeout * 10))" committed_at_least "$(target "$restart_at")"
  read_leader
  [ -n "$leader_id" ] || fail "no leader before the rolling restart"
  for i in 0 1 2; do [ "$i" = "$leader_id" ] || order+="$i "; done
  order+=$leader_id   # followers first, the leader last: one leader change, a transfer (docs/operations.md)
fi
for i in $order; do
  role=$([ "$i" = "$leader_id" ] && echo leader || echo follower)
  event "rolling restart: stopping node $i ($role)"
  stop_node "$i"
  start_node "$i"
  printf '%s\t%s\t%s\t%s\t%s\n' "$i" "$role" "$stop_ms" "$ready_ms" "$caught_ms" >>"$restarts"
  event "rolling restart: node $i ($role) stopped in $stop_ms ms, ready $ready_ms ms after its start, caught up after $caught_ms ms"
  last_event_ms=$(now_ms)
  read_leader
  [ -n "$leader_id" ] || wait_until "a leader after restarting node $i" "$timeout" eval 'read_leader; [ -n "$leader_id" ]'
done

# The forced snapshot: a follower is stopped until the leader's log starts after the follower's last entry.
wait_until "$(target "$snapshot_at") entries committed" "$((timeout * 10))" committed_at_least "$(target "$snapshot_at")"
read_leader
[ -n "$leader_id" ] || wait_until "a leader" "$timeout" eval 'read_leader; [ -n "$leader_id" ]'
follower=$(( (leader_id + 1) % 3 ))
event "snapshot: stopping follower $follower"
stop_node "$follower"
read_leader; follower_last=$leader_last   # the follower cannot hold more than the leader had once it stopped
passed_follower() { load_alive; read_leader; [ -n "$leader_id" ] && [ "$leader_first" -gt "$follower_last" ]; }
wait_until "the leader's first index passing $follower_last" "$((timeout * 10))" passed_follower
$idle_catch_up && { : >"$pause_file"; sleep 1; }
read_leader; behind=$((leader_commit - follower_last))
event "snapshot: leader's log starts at $leader_first, past the follower's last entry $follower_last; restarting it $behind entries behind"
start_node "$follower"
rm -f "$pause_file"
install=$(tail -n +"$((log_mark + 1))" "${group_logs[$follower]}" | grep -m 1 "Installed the leader's snapshot" || true)
[ -n "$install" ] || fail "follower $follower caught up without installing a snapshot (its log: ${group_logs[$follower]})"
install_at=$(awk '{print substr($1, 2)}' <<<"$install")
install_after_ms=$(python3 -c 'import sys
def ms(t): h, m, s = t.split(":"); return (int(h) * 3600 + int(m) * 60 + float(s)) * 1000
d = ms(sys.argv[2]) - ms(sys.argv[1])
print(int(d + 86400000 if d < 0 else d))' "$start_time" "$install_at")
install_ms=$(sed -n 's/.*bytes, \([0-9.]*\) ms).*/\1/p' <<<"$install")
install_index=$(sed -n "s/.*snapshot of entries up to \([0-9]*\) .*/\1/p" <<<"$install")
last_event_ms=$(now_ms)
event "snapshot: follower $follower ready after $ready_ms ms, snapshot up to $install_index installed $install_after_ms ms after its start (install itself $install_ms ms), caught up after $caught_ms ms"
snapshot_line="| $follower | $behind | $install_index | $ready_ms | $install_after_ms | $install_ms | $caught_ms | $($idle_catch_up && echo "paused" || echo "running") |"

# The rest of the appends, and (outside --smoke) at least 12 samples from 30 s after the last restart, the window in
# which RSS is judged; then the load tool stops (its requests in flight finish) and the sampler ends with its output.
wait_until "$appends entries committed" "$((timeout * 10))" committed_at_least "$appends"
if ! $smoke; then
  settled_enough() { load_alive; [ "$(now_ms)" -ge $((last_event_ms + 30000 + 12 * interval * 1000)) ]; }
  wait_until "12 samples after the last restart" "$timeout" settled_enough
fi
kill -TERM "$load_pid"
wait "$load_pid" || { cat "$work/load.err" >&2; fail "the load tool failed"; }
untrack "$load_pid"
wait "$sampler_pid" || true
untrack "$sampler_pid"
load_ms=$(($(now_ms) - load_started)); box1=$(box_ticks)
check_alive httpraft
cuts=$(for i in 0 1 2; do grep -c 'Log cut: it starts at entry' "${group_logs[$i]}" || true; done | paste -sd/)
event "load done; cuts per node: $cuts"
for i in 0 1 2; do stop_node "$i"; done

# ---------------------------------------------------------------------------------------------- checks
# Columns of samples.tsv: 1 sampled at (ms), 2 t_s, 3 the interval's seconds, 4 total, 5 entries, 6 requests, 7 non2xx,
# 8 errors, 9 p50, 10 p99, 11 p99.9, 12 max (µs), 13 load average, then per node (14 + 6i): RSS KiB, fds, segments,
# bytes, first, last.
failures=() warnings=()
engaged=$(awk -F'\t' '$18 > 1 && $24 > 1 && $30 > 1 {print NR; exit}' "$samples")
[ -n "$engaged" ] || failures+=("retention never engaged: no sample where all three nodes' first index is above 1")
# growth LABEL FIRST_ROW LAST_ROW METRICS: per node and metric (0 RSS, 1 descriptors, 2 segments, 3 bytes), the median
# of the last third of the rows against the highest value of the first third, within a factor and a slack. A leak
# keeps raising the level past anything seen before; a moment above it in the last third (a follower catching up in
# large batches writes longer segments) does not move the median, and a dip in the first third (a node whose snapshot
# install emptied its log, refilling to where it was) does not lower the maximum. Prints "window node metric
# first-third-max last-third-median max verdict" rows.
growth() {
  awk -F'\t' -v label="$1" -v start="$2" -v end="$3" -v metrics="$4" -v seg="$segment_bytes" -v clients="$clients" '
    function median(list,   a, n, i, j, t) {
      n = split(list, a, " "); if (n == 0) return "-"
      for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
      return n % 2 ? a[(n + 1) / 2] + 0 : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    NR >= start && NR <= end {n++; for (i = 0; i < 3; i++) for (m = 0; m < 4; m++) v[n, i, m] = $(14 + 6 * i + m)}
    END {
      name[0] = "RSS MiB"; scale[0] = 1024; factor[0] = 1.1; slack[0] = 16
      name[1] = "descriptors"; scale[1] = 1; factor[1] = 1; slack[1] = clients + 16   # the leader holds a connection per client
      name[2] = "segments"; scale[2] = 1; factor[2] = 1.25; slack[2] = 2
      name[3] = "MiB on disk"; scale[3] = 1048576; factor[3] = 1.25; slack[3] = 2 * seg / 1048576
      third = int(n / 3); count = split(metrics, list, " ")
      for (i = 0; i < 3; i++) for (k = 1; k <= count; k++) {
        m = list[k]; e = "-"; late = ""; max = 0
        for (r = 1; r <= n; r++) { x = v[r, i, m]; if (x == "-" || x == "") continue; x /= scale[m]; if (x > max) max = x
          if (r <= third) { if (e == "-" || x > e) e = x } else if (r > n - third) late = late " " x }
        l = median(late)
        verdict = (third == 0 || e == "-" || l == "-") ? "-" : (l > e * factor[m] + slack[m] ? "grew" : "flat")
        printf "%s\t%d\t%s\t%s\t%s\t%.1f\t%s\n", label, i, name[m], (e == "-" ? e : sprintf("%.1f", e)), (l == "-" ? l : sprintf("%.1f", l)), max, verdict
      }
    }' "$samples"
}
rows=$(awk 'END {print NR}' "$samples")
# RSS is judged after the last restart (and 30 s for the GC to settle): a node that has just caught up holds more
# than before (the GC keeps the large-object space its 1 MiB messages took, see docs/performance.md), once, and a
# restarted one starts low; what must not happen is a level that keeps rising while nothing but appends go on.
settled=$(awk -F'\t' -v after="$((last_event_ms + 30000))" '$1 >= after {print NR; exit}' "$samples")
: >"$work/growth.tsv"
rss_judged=""
if [ -n "$engaged" ]; then
  [ "$rows" -ge $((engaged + 6)) ] || failures+=("too few samples after retention engaged to judge growth")
  growth "since retention engaged" "$engaged" "$rows" "1 2 3 0" >>"$work/growth.tsv"
  if [ -n "$settled" ] && [ "$rows" -ge $((settled + 6)) ]; then
    growth "after the last restart" "$settled" "$rows" "0" >>"$work/growth.tsv"
    rss_judged=yes
  elif ! $smoke; then
    warnings+=("too few samples after the last restart to judge RSS")
  fi
  while IFS=$'\t' read -r window node metric early late max verdict; do
    [ "$verdict" = grew ] || continue
    [ "$metric" = "RSS MiB" ] && [ "$window" = "since retention engaged" ] && continue   # reported, judged after the last restart
    problem="$metric of node $node grew $window: at most $early over the first third, a median of $late over the last (max $max)"
    if [ "$metric" = "RSS MiB" ] && $smoke; then warnings+=("$problem"); else failures+=("$problem"); fi
  done <"$work/growth.tsv"
fi

# ---------------------------------------------------------------------------------------------- report
ms_of() { awk -v u="$1" 'BEGIN {printf "%.1f", u / 1000}'; }
# mawk has no %'d: thousands are grouped by hand.
commas() { awk -v n="$1" 'BEGIN {s = sprintf("%.0f", n); while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s); print s}'; }
done_line=$(grep '^DONE ' "$work/load.out" || true)
declare -A d=()
for kv in ${done_line#DONE }; do d[${kv%%=*}]=${kv#*=}; done
cpu_model=$(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)
report="$work/report.md"
{
  echo "## HttpRaft endurance, $started"
  echo
  echo "- \`$command_line\`; commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src 2>/dev/null || echo ' (with uncommitted changes in src)'), $(nproc) cores (${cpu_model:-unknown CPU}), $(awk '{printf "%.0f GiB", $2 / 1048576; exit}' /proc/meminfo), $(uname -r), .NET $(dotnet --version)"
  echo "- three nodes with \`retention.maxEntries\` $max_entries and \`segmentBytes\` $segment_bytes (fsync always, the other settings shipped); BENCH_ENV: ${BENCH_ENV:-(none)}"
  echo "- load: $clients clients, batches of $batch entries of $entry_bytes bytes, one batch in flight per client, $([ "$rate" -gt 0 ] && echo "at most $rate entries/s" || echo "as fast as answers come"), latency from sending a batch to its answer; samples every $interval s"
  echo "- $(commas "${d[entries]:-0}") entries appended in $(awk -v ms="$load_ms" 'BEGIN {printf "%.0f", ms / 1000}') s ($(commas "$(awk -v e="${d[entries]:-0}" -v ms="$load_ms" 'BEGIN {print e / (ms / 1000)}')") entries/s); latency of the 201s: p50 $(ms_of "${d[p50_us]:-0}") ms, p99 $(ms_of "${d[p99_us]:-0}") ms, p99.9 $(ms_of "${d[p999_us]:-0}") ms, max $(ms_of "${d[max_us]:-0}") ms; ${d[non2xx]:-?} non-2xx answers, ${d[errors]:-?} failed requests"
  echo "- the whole machine was busy $(awk -v a="$box0" -v b="$box1" -v t="$tck" -v ms="$load_ms" -v c="$(nproc)" 'BEGIN {printf "%.0f", (b - a) / t / (ms / 1000) / c * 100}')% of the time during the load (these nodes and the load tool included); load averages are in the table"
  echo "- log cuts per node (0/1/2): $cuts"
  echo
  echo "### Restarts (SIGTERM, then a start on the same data directory, one node at a time)"
  echo
  echo "| node | role | stopped in ms | ready ms | caught up ms |"
  echo "|---:|---|---:|---:|---:|"
  awk -F'\t' '{printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5}' "$restarts"
  $rolling || echo "| - | (no rolling restart in this run) | | | |"
  echo
  echo "Ready: from starting the process to \`/health/ready\` answering 200. Caught up: to its applied index reaching the commit index the leader reported just before."
  echo
  echo "### Forced snapshot"
  echo
  echo "| follower | entries behind | snapshot index | ready ms | snapshot installed ms | install ms (node's log) | caught up ms | load |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---|"
  echo "$snapshot_line"
  echo
  echo "Entries behind: the leader's commit index when the follower restarted, minus the leader's last index when it had stopped. Installed: from the process start to its log line; install ms: the time the node reports for installing it."
  echo
  echo "### Checks"
  echo
  if [ ${#failures[@]} -eq 0 ]; then echo "- passed: no node died, every node stopped with status 0, retention cut the log, the follower installed a snapshot and caught up, segments, bytes and descriptors stayed flat after retention engaged (sample $engaged on)$($smoke || [ -z "$rss_judged" ] || echo ', and RSS after the last restart')"; fi
  for f in "${failures[@]}"; do echo "- FAILED: $f"; done
  for w in "${warnings[@]}"; do echo "- warning: $w"; done
  echo
  if [ -s "$work/growth.tsv" ]; then
    echo "In each window, the highest value of the first third of the samples, the median of the last third, and the highest of all: since retention engaged (sample $engaged on; RSS there is reported, not judged) and, for RSS, from 30 s after the last restart (sample ${settled:--} on). Flat: the median within 25 % + 2 segments of the first third's highest (segments, bytes), $((clients + 16)) descriptors (the leader holds the clients' connections), or 10 % + 16 MiB (RSS)."
    echo
    echo "| window | node | metric | first third, max | last third, median | max | verdict |"
    echo "|---|---|---|---:|---:|---:|---|"
    awk -F'\t' '{printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, ($1 == "since retention engaged" && $3 == "RSS MiB" ? "(reported)" : $7)}' "$work/growth.tsv"
    echo
  fi
  echo "### Over time"
  echo
  echo "Per node: RSS MiB · open descriptors · segment files · MiB in its data directory · first–last index (\`-\`: stopped)."
  echo
  echo "| s | appended | entries/s | p50 ms | p99 ms | non-2xx | errors | load avg | node 0 | node 1 | node 2 | events |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|---|"
  awk -F'\t' -v start="$load_started" '
    function commas(n,  s) {s = sprintf("%.0f", n); while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s); return s}
    FILENAME == ARGV[1] {ev_at[++ne] = $1; ev[ne] = $2; next}
    {
      at = $1; secs = $3
      events = ""
      while (k < ne && ev_at[k + 1] <= at) { k++; events = events (events == "" ? "" : "; ") ev[k] }
      cells = ""
      for (i = 0; i < 3; i++) {
        o = 14 + 6 * i
        cell = ($o == "-" ? "-" : sprintf("%.0f", $o / 1024)) " · " $(o + 1) " · " $(o + 2) " · " sprintf("%.0f", $(o + 3) / 1048576) " · " ($(o + 4) == "-" ? "-" : $(o + 4) "–" $(o + 5))
        cells = cells " | " cell
      }
      printf "| %.0f | %s | %s | %.1f | %.1f | %d | %d | %s%s | %s |\n", (at - start) / 1000, commas($4), commas(secs > 0 ? $5 / secs : 0),
        $9 / 1000, $10 / 1000, $7, $8, $13, cells, events
    }' "$events" "$samples"
} >"$report"
echo
cat "$report"
if $save; then
  mkdir -p "$bench/results"
  cp "$report" "$bench/results/$started-endurance.md"
  cp "$samples" "$bench/results/$started-endurance.tsv"
  note "written to bench/results/$started-endurance.md (raw samples: .tsv)"
fi
[ ${#failures[@]} -eq 0 ] || fail "endurance: ${#failures[@]} check(s) failed (see above)"
