#!/usr/bin/env bash
# Runs bench/run.sh's httpraft row at one client count (64) once per runtime setting and prints one table, so GC,
# thread-pool and JIT settings can be compared on the same machine within minutes. Each setting gets a fresh cluster.
#
#   bash bench/compare-env.sh [--duration S] [--warmup S] [--clients N] [--repeat N] ["NAME=VALUE ..." ...]
#
# A setting is a quoted list of NAME=VALUE words applied to the node processes (run.sh's BENCH_ENV); "" is the
# shipped defaults. Without settings, the list below is compared. --repeat runs the whole list N times, interleaved,
# so a burst of noise from other processes lands on one setting's run, not on all of them.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "compare-env: $*" >&2; exit 1; }

duration=20 warmup=5 clients=64 repeat=1 settings=()
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift ;;
    --warmup) warmup=$2; shift ;;
    --clients) clients=$2; shift ;;
    --repeat) repeat=$2; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) fail "unknown option $1 (see --help)" ;;
    *) settings+=("$1") ;;
  esac
  shift
done
[[ $repeat =~ ^[0-9]+$ ]] && [ "$repeat" -gt 0 ] || fail "--repeat needs a positive whole number"
if [ ${#settings[@]} -eq 0 ]; then
  settings=(
    ""
    "DOTNET_gcServer=0"
    "DOTNET_gcServer=0 DOTNET_GCgen0size=0x4000000"
    "DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0"
    "DOTNET_TieredPGO=0"
    "DOTNET_TieredCompilation=0"
    "DOTNET_ReadyToRun=0"
  )
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/httpraft-compare.XXXXXX")
trap 'rm -rf "$work"' EXIT

publish=""    # the first run publishes src/HttpRaft; the others reuse it
for round in $(seq "$repeat"); do
  for i in "${!settings[@]}"; do
    echo "compare-env: round $round, setting $((i + 1))/${#settings[@]}: ${settings[$i]:-(shipped defaults)}" >&2
    BENCH_ENV="${settings[$i]}" bash bench/run.sh --targets httpraft --clients "$clients" --no-batch \
      --duration "$duration" --warmup "$warmup" --tsv "$work/$i-$round.tsv" --no-save $publish >"$work/$i-$round.out" 2>&1 \
      || { tail -n 5 "$work/$i-$round.out" >&2; fail "bench/run.sh failed for '${settings[$i]}'"; }
    publish=--no-publish
  done
done

echo
echo "## httpraft at $clients clients, ${duration} s per run, $repeat round(s), commit $(git rev-parse --short HEAD)"
echo
echo "| node environment | round | writes/s | p50 ms | p99 ms | p99.9 ms | non-2xx | server CPU µs/write | others' CPU % |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for i in "${!settings[@]}"; do
  for round in $(seq "$repeat"); do
    # Columns of run.sh's --tsv rows: target clients threads batch duration_us requests non2xx socket_errors
    # p50_us p90_us p99_us p999_us server_cpu_s wrk_cpu_s box_cpu_s url.
    awk -F'\t' -v env="${settings[$i]:-(shipped defaults)}" -v round="$round" '{secs = $5 / 1e6; ok = $6 - $7
      other = $15 - $13 - $14; if (other < 0) other = 0
      printf "| %s | %d | %.0f | %.2f | %.2f | %.2f | %d | %s | %.0f |\n", env, round, ok / secs, $9 / 1000, $11 / 1000,
        $12 / 1000, $7, (ok > 0 ? sprintf("%.0f", $13 * 1e6 / ok) : "-"), other / secs * 100}' "$work/$i-$round.tsv"
  done
done
