#!/usr/bin/env bash
# The throughput benchmark of issues 5 and 18: wrk posting 100-byte entries to a fresh 3-node HttpRaft cluster, to an
# empty ASP.NET Core endpoint (the ceiling), to a local 3-node etcd 3.4 cluster and to a 3-node DotNext.AspNetCore.Cluster
# app (bench/DotNextBaseline), in one run, so the ratios compare like with like. See bench/README.md for what each
# number means.
#
#   bash bench/run.sh [options]
#
#   --duration S          seconds measured per client count (default 20)
#   --warmup S            seconds of unrecorded load per target before its first measurement (default 5)
#   --clients "LIST"      client (connection) counts (default "1 16 64 256")
#   --targets "LIST"      any of httpraft, empty, etcd, dotnext (default all four; etcd only if it is or can be
#                         installed, dotnext only if bench/DotNextBaseline can be published)
#   --etcd | --no-etcd    require etcd (fail if it cannot be installed) | skip it
#   --dotnext | --no-dotnext   require the DotNext baseline (fail if it does not publish) | skip it
#   --batch-size N        entries per request in the batch rows (default 100)
#   --batch-clients "L"   client counts of the batch rows (default "16 64"); --no-batch skips them
#   --threads N           wrk threads (default 1 for one client, else 2; never more than the connections)
#   --smoke               httpraft only, 16 clients, 3 s, no batch: exits non-zero unless 2xx answers were counted
#   --memory              httpraft only: one long run at --memory-clients (64) for --memory-duration S (300),
#                         sampling each node's VmRSS every --memory-interval S (10)
#   --no-publish          reuse bench/.publish from an earlier run instead of publishing again
#   --tsv FILE            also write the raw measurements (one tab-separated row per run) to FILE
#   --no-save             do not write bench/results/<UTC time>.md
#   --keep                keep the temporary directory (node logs, data) instead of deleting it
#
# BENCH_ENV="DOTNET_gcServer=0 DOTNET_TieredPGO=1" applies NAME=VALUE settings to the HttpRaft node processes only.
# Results: printed as Markdown and written to bench/results/<UTC time>.md (not for --smoke or --no-save).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

duration=20 warmup=5 clients="1 16 64 256" targets="httpraft empty etcd dotnext" etcd_mode=auto dotnext_mode=auto
batch_size=100 batch_clients="16 64" threads="" smoke=false memory=false memory_duration=300 memory_interval=10
memory_clients=64 publish=true tsv_out="" keep=false save=true
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift ;;
    --warmup) warmup=$2; shift ;;
    --clients) clients=$2; shift ;;
    --targets) targets=${2//,/ }; shift ;;
    --etcd) etcd_mode=required ;;
    --no-etcd) etcd_mode=off ;;
    --dotnext) dotnext_mode=required ;;
    --no-dotnext) dotnext_mode=off ;;
    --batch-size) batch_size=$2; shift ;;
    --batch-clients) batch_clients=$2; shift ;;
    --no-batch) batch_clients="" ;;
    --threads) threads=$2; shift ;;
    --smoke) smoke=true ;;
    --memory) memory=true ;;
    --memory-duration) memory_duration=$2; shift ;;
    --memory-interval) memory_interval=$2; shift ;;
    --memory-clients) memory_clients=$2; shift ;;
    --no-publish) publish=false ;;
    --tsv) tsv_out=$2; shift ;;
    --no-save) save=false ;;
    --keep) keep=true ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) fail "unknown option $1 (see --help)" ;;
  esac
  shift
done
if $smoke; then duration=3 warmup=1 clients=16 targets=httpraft batch_clients="" save=false; fi
if $memory; then targets=httpraft batch_clients="" duration=$memory_duration; fi
for n in $duration $warmup $batch_size $memory_duration $memory_interval $memory_clients $clients $batch_clients ${threads:-1}; do
  [[ $n =~ ^[0-9]+$ ]] && [ "$n" -gt 0 ] || fail "'$n' is not a positive whole number"
done
for t in $targets; do [[ $t =~ ^(httpraft|empty|etcd|dotnext)$ ]] || fail "unknown target $t (httpraft, empty, etcd, dotnext)"; done
wants() { [[ " $targets " == *" $1 "* ]]; }
if [ "$etcd_mode" = off ]; then targets=${targets//etcd/}; fi
if [ "$dotnext_mode" = off ]; then targets=${targets//dotnext/}; fi

read_bench_env

# ---------------------------------------------------------------------------------------------- tools
require_tools curl python3 dotnet
command -v wrk >/dev/null || { note "installing wrk"; apt_install wrk || fail "wrk is missing and apt-get install wrk failed"; }
etcd_note="" dotnext_note=""
if wants etcd && ! command -v etcd >/dev/null; then
  note "installing etcd-server and etcd-client"
  if ! apt_install etcd-server etcd-client; then
    [ "$etcd_mode" = required ] && fail "etcd is missing and apt-get install etcd-server etcd-client failed"
    etcd_note="etcd skipped: not installed and apt-get install etcd-server etcd-client failed"
  fi
fi
if wants etcd && { ! command -v etcd >/dev/null || ! command -v etcdctl >/dev/null; }; then
  [ "$etcd_mode" = required ] && fail "etcd or etcdctl not found after installing"
  etcd_note=${etcd_note:-"etcd skipped: etcd or etcdctl not found"}
  targets=${targets//etcd/}
fi
[ -n "${targets// /}" ] || fail "no target left to run"

# ---------------------------------------------------------------------------------------------- processes
bench_start httpraft-bench   # $work, the cleanup of every process started (bench/lib.sh)

# ---------------------------------------------------------------------------------------------- one wrk run
rows="$work/rows.tsv"; : >"$rows"
# run_wrk TARGET CLIENTS BATCH SECONDS SCRIPT URL [record]: one wrk run against URL; with "record", its numbers become a row.
run_wrk() {
  local target=$1 c=$2 batch=$3 secs=$4 script=$5 url=$6 record=${7:-}
  local t=${threads:-$([ "$c" -eq 1 ] && echo 1 || echo 2)}
  [ "$t" -le "$c" ] || t=$c
  local out="$work/wrk-$target-$c-$batch-$secs.out" srv0 box0 srv1 box1
  srv0=$(cpu_ticks "${group_pids[@]}"); box0=$(box_ticks)
  # sh reports wrk's own CPU (its children's utime/stime, fields 16 and 17 of its stat) once wrk has exited. It runs
  # in the background so that a signal to this script is handled at once (bash runs traps during wait, not during a
  # foreground command), and stop_pids stops wrk with it.
  sh -c 'wrk "$@"; s=$?; read -r stat </proc/$$/stat; echo "CHILDSTAT ${stat##*") "}"; exit $s' sh \
    -t "$t" -c "$c" -d "${secs}s" --timeout 10s -s "$script" "$url" -- "$batch" >"$out" 2>&1 </dev/null &
  local wrapper=$!; pids+=("$wrapper")
  wait "$wrapper" || { cat "$out" >&2; fail "wrk failed against $url"; }
  untrack "$wrapper"
  srv1=$(cpu_ticks "${group_pids[@]}"); box1=$(box_ticks)
  check_alive "$target"
  local line; line=$(grep '^BENCH ' "$out") || { cat "$out" >&2; fail "wrk printed no numbers for $target at $c clients"; }
  local wrk_ticks; wrk_ticks=$(awk '/^CHILDSTAT/{print $15 + $16}' "$out")
  declare -A v=()
  local kv
  for kv in ${line#BENCH }; do v[${kv%%=*}]=${kv#*=}; done
  [ -n "$record" ] || return 0
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
    "$target" "$c" "$t" "$batch" "${v[duration_us]}" "${v[requests]}" "${v[non2xx]}" \
    "$((v[connect] + v[read] + v[write] + v[timeout]))" "${v[p50_us]}" "${v[p90_us]}" "${v[p99_us]}" "${v[p999_us]}" \
    "$(awk -v a="$srv0" -v b="$srv1" -v t="$tck" 'BEGIN{printf "%.2f", (b - a) / t}')" \
    "$(awk -v a="$wrk_ticks" -v t="$tck" 'BEGIN{printf "%.2f", a / t}')" \
    "$(awk -v a="$box0" -v b="$box1" -v t="$tck" 'BEGIN{printf "%.2f", (b - a) / t}')" "$url" >>"$rows"
  awk -F'\t' -v c="$c" 'END{printf "bench:   %-8s %3d clients: %.0f 2xx/s, %d non-2xx, %d socket errors, p50 %.2f ms, p99 %.2f ms\n",
    $1, c, ($6 - $7) / ($5 / 1e6), $7, $8, $9 / 1000, $11 / 1000}' "$rows" >&2
}

# measure TARGET SCRIPT URL_FUNCTION [batch]: a warm-up, one recorded run per client count, then the batch rows.
# URL_FUNCTION sets target_url (the leader's, found again before every run, since leadership may move).
measure() {
  local target=$1 script=$2 url_of=$3 batch_rows=${4:-} c
  note "$target: warming up for ${warmup} s"
  $url_of; run_wrk "$target" "$([ "$smoke" = true ] && echo 16 || echo 64)" 0 "$warmup" "$script" "$target_url"
  for c in $clients; do $url_of; run_wrk "$target" "$c" 0 "$duration" "$script" "$target_url" record; done
  if [ -n "$batch_rows" ]; then
    for c in $batch_clients; do $url_of; run_wrk "$target-batch" "$c" "$batch_size" "$duration" "$script" "$target_url" record; done
  fi
  idle_cpu "$target"
}

# idle_cpu TARGET: what the target's processes burn with no load, measured over 3 s once the runs are over (right after
# start-up the figure would be JIT compilation, not the idle loop).
idle_cpu() {
  local before; before=$(cpu_ticks "${group_pids[@]}")
  sleep 3   # the sleep is the measurement's window; it synchronises nothing
  run_notes+="- $1 idle after its runs: $(awk -v a="$before" -v b="$(cpu_ticks "${group_pids[@]}")" -v t="$tck" \
    'BEGIN{printf "%.0f", (b - a) / t / 3 * 100}')% of one core (all its processes, 3 s without load)"$'\n'
}

run_notes=""
log_lines() { run_notes+="- the three HttpRaft nodes wrote $(cat "$work"/httpraft/node-*.log | wc -l) log lines in all"$'\n'; }

# ---------------------------------------------------------------------------------------------- empty endpoint
empty_url() { target_url="http://$empty_api/log"; }
start_empty() {
  publish bench/EmptyEndpoint empty
  local dir="$work/empty" port
  mkdir -p "$dir"
  port=$(free_ports 1); empty_api="127.0.0.1:$port"
  group_pids=() group_logs=("$dir/empty.log")
  (cd "$dir" && exec dotnet "$publish_dir/empty/EmptyEndpoint.dll" --urls "http://$empty_api" >"$dir/empty.log" 2>&1 </dev/null) &
  pids+=($!) group_pids+=($!)
  first_write empty empty_url '{"entry":"x"}' 201
  note "empty: pid ${group_pids[*]} at $empty_api"
}

# ---------------------------------------------------------------------------------------------- etcd
etcd_leader() { # sets leader_api to the client address of the member etcdctl reports as leader; waits up to 30 s
  local deadline=$((SECONDS + 30)) leader
  while :; do
    check_alive etcd
    leader=$(ETCDCTL_API=3 etcdctl --endpoints="$(IFS=,; echo "${etcd_clients[*]}")" --command-timeout=2s \
      endpoint status 2>/dev/null | awk -F', ' '$5 == "true" {print $1; exit}') || true
    if [ -n "$leader" ]; then leader_api=${leader#http://}; return; fi
    [ "$SECONDS" -lt "$deadline" ] || fail "etcd: no member reported as leader within 30 s (logs in $work/etcd)"
    sleep 0.1
  done
}
etcd_url() { etcd_leader; target_url="http://$leader_api/v3/kv/put"; }
start_etcd() {
  local dir="$work/etcd" ports i cluster=""
  mkdir -p "$dir"
  read -ra ports <<<"$(free_ports 6)"
  [ ${#ports[@]} -eq 6 ] || fail "could not find 6 free ports"
  etcd_clients=()
  for i in 0 1 2; do
    cluster+="${cluster:+,}m$i=http://127.0.0.1:${ports[$i]}"
    etcd_clients+=("http://127.0.0.1:${ports[$((i + 3))]}")
  done
  group_pids=() group_logs=()
  for i in 0 1 2; do
    # Defaults otherwise, so every member fsyncs its WAL before acknowledging, like HttpRaft's nodes.
    etcd --name "m$i" --data-dir "$dir/m$i.etcd" \
      --listen-peer-urls "http://127.0.0.1:${ports[$i]}" --initial-advertise-peer-urls "http://127.0.0.1:${ports[$i]}" \
      --listen-client-urls "${etcd_clients[$i]}" --advertise-client-urls "${etcd_clients[$i]}" \
      --initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token "bench-$$" \
      --logger zap --log-level warn >"$dir/m$i.log" 2>&1 </dev/null &
    pids+=($!) group_pids+=($!) group_logs+=("$dir/m$i.log")
  done
  first_write etcd etcd_url '{"key":"YmVuY2gta2V5","value":"eA=="}' 200
  note "etcd: members ${group_pids[*]} up, leader at $leader_api, data in $dir"
}

# ---------------------------------------------------------------------------------------------- DotNext
# bench/DotNextBaseline: three DotNext.AspNetCore.Cluster nodes, each serving Raft and POST /log on one port.
dotnext_leader() { status_leader dotnext "${dotnext_apis[@]}"; }
dotnext_url() { dotnext_leader; target_url="http://$leader_api/log"; }
# publish_dotnext: publishes bench/DotNextBaseline (restoring DotNext from NuGet); without --dotnext a failure skips it.
publish_dotnext() {
  if $publish || [ ! -d "$publish_dir/dotnext" ]; then
    note "publishing bench/DotNextBaseline (Release) to bench/.publish/dotnext"
    if ! dotnet publish bench/DotNextBaseline -c Release -o "$publish_dir/dotnext" -nologo -v quiet >"$work/publish-dotnext.log" 2>&1; then
      tail -n 20 "$work/publish-dotnext.log" >&2
      [ "$dotnext_mode" = required ] && fail "dotnet publish bench/DotNextBaseline failed"
      dotnext_note="DotNext skipped: dotnet publish bench/DotNextBaseline failed (is NuGet reachable?)"
      note "$dotnext_note"
      return 1
    fi
  fi
}
start_dotnext() {
  local dir="$work/dotnext" ports i urls=()
  mkdir -p "$dir"
  read -ra ports <<<"$(free_ports 3)"
  [ ${#ports[@]} -eq 3 ] || fail "could not find 3 free ports"
  dotnext_apis=()
  for i in 0 1 2; do dotnext_apis+=("127.0.0.1:${ports[$i]}"); urls+=("http://127.0.0.1:${ports[$i]}"); done
  group_pids=() group_logs=()
  for i in 0 1 2; do
    (cd "$dir" && exec dotnet "$publish_dir/dotnext/DotNextBaseline.dll" "$i" "${urls[@]}" "$dir/node-$i" \
      >"$dir/node-$i.log" 2>&1 </dev/null) &
    pids+=($!) group_pids+=($!) group_logs+=("$dir/node-$i.log")
  done
  first_write dotnext dotnext_url '{"entry":"bench: first write"}' 201
  note "dotnext: nodes ${group_pids[*]} up, leader at $leader_api, data in $dir"
}

# ---------------------------------------------------------------------------------------------- memory
memory_run() {
  start_httpraft
  note "httpraft: warming up for ${warmup} s"
  httpraft_url; run_wrk httpraft "$memory_clients" 0 "$warmup" "$bench/wrk/append.lua" "$target_url"
  local series="$work/memory.tsv" start=$SECONDS
  printf 'seconds\tnode 0 MiB\tnode 1 MiB\tnode 2 MiB\n' >"$series"
  sample() {
    local line p rss
    line=$((SECONDS - start))
    for p in "${group_pids[@]}"; do
      rss=$(awk '/^VmRSS:/{printf "%.1f", $2 / 1024}' "/proc/$p/status" 2>/dev/null || echo "?")
      line+=$'\t'"$rss"
    done
    echo "$line" >>"$series"
  }
  sample
  # Sample in the background of the measured run: the loop paces itself with sleep, it synchronises nothing.
  ( while :; do sleep "$memory_interval"; sample; done ) & local sampler=$!; pids+=("$sampler")
  httpraft_url; run_wrk httpraft "$memory_clients" 0 "$memory_duration" "$bench/wrk/append.lua" "$target_url" record
  stop_pids "$sampler"
  sample
  idle_cpu httpraft; log_lines
  stop_group
  {
    echo "### Resident set (VmRSS) of each node, sampled every ${memory_interval} s during ${memory_duration} s at ${memory_clients} clients"
    echo
    awk -F'\t' 'NR == 1 {print "| " $1 " | " $2 " | " $3 " | " $4 " |"; print "|---:|---:|---:|---:|"; next}
                {print "| " $1 " | " $2 " | " $3 " | " $4 " |"}' "$series"
    echo
    awk -F'\t' 'NR == 1 {next}
      {for (i = 2; i <= 4; i++) {if (NR == 2) first[i] = $i; last[i] = $i; if ($i + 0 > max[i]) max[i] = $i + 0}}
      END {print "| node | first MiB | last MiB | max MiB |"; print "|---|---:|---:|---:|"
           for (i = 2; i <= 4; i++) printf "| %d | %s | %s | %.1f |\n", i - 2, first[i], last[i], max[i]}' "$series"
  } >"$work/memory.md"
}

# ---------------------------------------------------------------------------------------------- run
started=$(date -u +%Y-%m-%dT%H-%M-%SZ)
if $memory; then
  memory_run
else
  for target in $targets; do
    case $target in
      httpraft) start_httpraft; measure httpraft "$bench/wrk/append.lua" httpraft_url batch; log_lines; stop_group ;;
      empty) start_empty; measure empty "$bench/wrk/append.lua" empty_url; stop_group ;;
      etcd) start_etcd; measure etcd "$bench/wrk/etcd-put.lua" etcd_url; stop_group ;;
      dotnext) if publish_dotnext; then start_dotnext; measure dotnext "$bench/wrk/append.lua" dotnext_url; stop_group; fi ;;
    esac
  done
fi

# ---------------------------------------------------------------------------------------------- report
cpu_model=$(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)
report="$work/report.md"
{
  echo "## HttpRaft benchmark, $started"
  echo
  echo "- commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench/EmptyEndpoint bench/DotNextBaseline 2>/dev/null || echo ' (with uncommitted changes)'), $(nproc) cores (${cpu_model:-unknown CPU}), $(uname -r), .NET $(dotnet --version), $(wrk -v 2>&1 | head -n 1 | awk '{print "wrk " $2}')$(command -v etcd >/dev/null && wants etcd && echo ", etcd $(etcd --version | awk 'NR == 1 {print $3}')")"
  echo "- ${duration} s per row after a ${warmup} s warm-up per target, 100-byte entries, every process on this machine over loopback; BENCH_ENV for the nodes: ${BENCH_ENV:-(none)}"
  [ -z "$etcd_note" ] || echo "- $etcd_note"
  [ -z "$dotnext_note" ] || echo "- $dotnext_note"
  ! wants dotnext || [ -n "$dotnext_note" ] || echo "- DotNext: DotNext.AspNetCore.Cluster 6.12.0 (bench/DotNextBaseline), WAL with 1 MiB chunks (flush on commit, always on in 6.12); its followers acknowledge AppendEntries before they flush (bench/README.md)"
  printf '%s' "$run_notes"
  echo "- etcd rows go to the member etcdctl reports as leader; HttpRaft rows to the node whose /status says Leader"
  echo
  echo "| target | clients | writes/s | p50 ms | p90 ms | p99 ms | p99.9 ms | non-2xx | socket errors | server CPU µs/write | wrk CPU µs/request | others' CPU % |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  awk -F'\t' '$4 == 0 {secs = $5 / 1e6; ok = $6 - $7; other = $15 - $13 - $14; if (other < 0) other = 0
    printf "| %s | %d | %.0f | %.2f | %.2f | %.2f | %.2f | %d | %d | %s | %.1f | %.0f |\n", $1, $2, ok / secs,
      $9 / 1000, $10 / 1000, $11 / 1000, $12 / 1000, $7, $8, (ok > 0 ? sprintf("%.0f", $13 * 1e6 / ok) : "-"),
      ($6 > 0 ? $14 * 1e6 / $6 : 0), other / secs * 100}' "$rows"
  if [ "$(awk -F'\t' '$1 == "httpraft" && $4 == 0' "$rows" | wc -l)" -gt 0 ] && [ "$(awk -F'\t' '$1 != "httpraft" && $4 == 0' "$rows" | wc -l)" -gt 0 ]; then
    echo
    echo "| clients | httpraft / etcd | httpraft / DotNext | httpraft / empty endpoint |"
    echo "|---:|---:|---:|---:|"
    awk -F'\t' '
      function ratio(other, c) {return (("httpraft" SUBSEP c) in rate) && ((other SUBSEP c) in rate) && rate[other, c] > 0 ? sprintf("%.2f", rate["httpraft", c] / rate[other, c]) : "-"}
      $4 == 0 {rate[$1, $2] = ($6 - $7) / ($5 / 1e6); if (!seen[$2]++) order[++n] = $2}
      END {for (i = 1; i <= n; i++) printf "| %d | %s | %s | %s |\n", order[i], ratio("etcd", order[i]), ratio("dotnext", order[i]), ratio("empty", order[i])}' "$rows"
  fi
  if [ "$(awk -F'\t' '$4 > 0' "$rows" | wc -l)" -gt 0 ]; then
    echo
    echo "| batch target | clients | entries/request | requests/s | entries/s | p50 ms | p99 ms | p99.9 ms | non-2xx | socket errors | server CPU µs/entry |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    awk -F'\t' '$4 > 0 {secs = $5 / 1e6; ok = $6 - $7
      printf "| %s | %d | %d | %.0f | %.0f | %.2f | %.2f | %.2f | %d | %d | %s |\n", $1, $2, $4, ok / secs, ok * $4 / secs,
        $9 / 1000, $11 / 1000, $12 / 1000, $7, $8, (ok > 0 ? sprintf("%.1f", $13 * 1e6 / (ok * $4)) : "-")}' "$rows"
  fi
  if ! $smoke && [ "$(awk -F'\t' '$1 == "httpraft"' "$rows" | wc -l)" -gt 0 ]; then
    echo
    echo "| target of issue 18 | measured | met |"
    echo "|---|---:|---|"
    # Each line needs its rows in this run; a target whose rows were not measured says so instead of guessing.
    awk -F'\t' '
      function rate(t, c) {return ((t SUBSEP c) in r) ? r[t, c] : -1}
      function line(name, value, ok, shown) {printf "| %s | %s | %s |\n", name, (value < 0 ? "not measured" : shown), (value < 0 ? "-" : (ok ? "yes" : "no"))}
      function ratio(t, c, at_least,   a, b, v) {a = rate("httpraft", c); b = rate(t, c); v = (a < 0 || b <= 0) ? -1 : a / b
        line(sprintf("httpraft / %s at %d clients ≥ %.2f", t == "empty" ? "empty endpoint" : "DotNext", c, at_least), v, v >= at_least, sprintf("%.2f", v))}
      $4 == 0 {r[$1, $2] = ($6 - $7) / ($5 / 1e6); p50[$1, $2] = $9 / 1000; p99[$1, $2] = $11 / 1000}
      $1 == "httpraft-batch" {e = ($6 - $7) * $4 / ($5 / 1e6); if (e > best) {best = e; bestc = $2}}
      END {
        ratio("empty", 16, 0.5); ratio("empty", 64, 0.5); ratio("dotnext", 16, 2); ratio("dotnext", 64, 2)
        v = (("httpraft" SUBSEP 1) in p50) ? p50["httpraft", 1] : -1; line("httpraft p50 at 1 client ≤ 0.3 ms", v, v <= 0.3, sprintf("%.2f ms", v))
        v = (("httpraft" SUBSEP 256) in p99) ? p99["httpraft", 256] : -1; line("httpraft p99 at 256 clients < 15 ms", v, v < 15, sprintf("%.2f ms", v))
        v = best > 0 ? best : -1; line("httpraft batch entries/s ≥ 1,000,000", v, v >= 1e6, sprintf("%.0f (%d clients)", v, bestc))
      }' "$rows"
  fi
  [ ! -f "$work/memory.md" ] || { echo; cat "$work/memory.md"; }
} >"$report"
echo
cat "$report"
[ -z "$tsv_out" ] || cp "$rows" "$tsv_out"
if $save; then
  mkdir -p "$bench/results"
  cp "$report" "$bench/results/$started.md"
  note "written to bench/results/$started.md"
fi

# Every recorded row needs numbers and at least one 2xx answer; the smoke fails otherwise (no assertion on speed).
[ -s "$rows" ] || fail "no measurement was recorded"
bad=$(awk -F'\t' '$4 == 0 && ($6 - $7 <= 0 || $9 == "" || $12 == "") {print $1 " at " $2 " clients"}' "$rows")
[ -z "$bad" ] || fail "no 2xx answers (or no latency figures) for: $bad"
