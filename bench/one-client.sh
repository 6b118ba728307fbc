#!/usr/bin/env bash
# The one-client breakdown of issue 18: wrk with one connection against a fresh 3-node HttpRaft cluster, and what the
# nodes' own metrics (GET /metrics) say each part of a committed append cost during that run: the leader's server-side
# request time, each node's WAL fsync, and the leader's heartbeat round trip to each follower (loop to loop, no
# fsync). Means over the run, from the histograms' sums and counts taken before and after it. With --clients N it also
# shows how many acknowledgements each follower sent per fsync, which is what coalescing them could save.
#
#   bash bench/one-client.sh [--duration S] [--clients N] [--no-publish]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

duration=20 clients=1 publish=true keep=false
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift ;;
    --clients) clients=$2; shift ;;
    --no-publish) publish=false ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) fail "unknown option $1 (see --help)" ;;
  esac
  shift
done
require_tools curl wrk python3 dotnet
read_bench_env
bench_start httpraft-one-client
start_httpraft
httpraft_url
# A warm-up, so the JIT's work is not in the figures.
wrk -t1 -c1 -d5s -s bench/wrk/append.lua "$target_url" >/dev/null 2>&1
scrape() { local api; for api in "${raft_apis[@]}"; do echo "# NODE $api"; curl -fsS "http://$api/metrics"; done >"$1"; }
scrape "$work/before.prom"
wrk -t1 -c"$clients" -d"${duration}s" --latency -s bench/wrk/append.lua "$target_url" >"$work/wrk.out" 2>&1
scrape "$work/after.prom"
python3 - "$work/before.prom" "$work/after.prom" "$leader_api" "$work/wrk.out" <<'PY'
import re, sys
def load(path):
    series, node = {}, None
    for line in open(path):
        if line.startswith("# NODE "): node = line.split()[2]; continue
        if line.startswith("#") or not line.strip(): continue
        name, value = line.rsplit(" ", 1)
        series[(node, name)] = float(value)
    return series
before, after, leader = load(sys.argv[1]), load(sys.argv[2]), sys.argv[3]
def mean(node, metric, labels=""):
    sums = [k for k in after if k[0] == node and k[1].startswith(metric + "_sum") and labels in k[1]]
    total = count = 0.0
    for k in sums:
        c = (k[0], k[1].replace("_sum", "_count", 1))
        total += after[k] - before.get(k, 0); count += after.get(c, 0) - before.get(c, 0)
    return (total / count * 1e3, int(count)) if count else (float("nan"), 0)
wrk = open(sys.argv[4]).read()
p50 = re.search(r"50%\s+([\d.]+)(us|ms)", wrk)
rate = re.search(r"Requests/sec:\s+([\d.]+)", wrk).group(1)
print(f"wrk: {rate} requests/s, p50 {p50.group(1)} {p50.group(2)}")
req, n = mean(leader, "http_server_request_duration_seconds", 'http_route="/log/"')
print(f"leader: POST /log server-side mean {req:.3f} ms over {n} requests (from the hosting layer's start to its end)")
for node in sorted({k[0] for k in after}):
    f, n = mean(node, "httpraft_disk_wal_fsync_duration_seconds")
    print(f"{'leader  ' if node == leader else 'follower'} {node}: WAL fsync mean {f:.3f} ms over {n} fsyncs")
rtt, n = mean(leader, "httpraft_network_peer_round_trip_time_seconds")
print(f"leader: heartbeat round trip to the followers (loop to loop) mean {rtt:.3f} ms over {n}")
# A follower sends the leader only acknowledgements (46-byte frames) and heartbeat answers (29 bytes), one per heartbeat.
def delta(node, metric):
    return sum(after[k] - before.get(k, 0) for k in after if k[0] == node and k[1].startswith(metric))
followers = sorted({k[0] for k in after} - {leader})
beats_each = n / max(len(followers), 1)  # heartbeat answers per follower: the round trips counted above
for node in followers:
    fsyncs = delta(node, "httpraft_disk_wal_fsync_duration_seconds_count")
    sent = delta(node, "httpraft_network_peer_sent_bytes")
    acks = max(0.0, sent - 29 * beats_each) / 46
    print(f"follower {node}: about {acks:.0f} acknowledgements for {fsyncs:.0f} fsyncs ({acks / max(fsyncs, 1):.2f} per fsync)")
PY
