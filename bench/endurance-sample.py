"""The sampler of bench/endurance.sh: one process for the whole run, so a sample costs no process start-ups.

    python3 endurance-sample.py WORK API0 API1 API2 DATA0 DATA1 DATA2 < the load tool's output

Every line read is appended to WORK/load.out. For each INTERVAL line, one row is appended to WORK/samples.tsv: the time
of the sample (ms since the epoch), the interval's figures from the load tool, the 1-minute load average, then for each
node its RSS (KiB), open descriptors, segment files and bytes in its data directory, and the first and last index from
its /status. A node's current pid is in WORK/pid-N ("-" while it is stopped); a stopped node's RSS, descriptors and
indexes are "-", its data directory is still measured.
"""
import json
import os
import sys
import time
import urllib.request

work, apis, dirs = sys.argv[1], sys.argv[2:5], sys.argv[5:8]
LOAD = ["t_s", "secs", "total", "entries", "requests", "non2xx", "errors", "p50_us", "p99_us", "p999_us", "max_us"]


def node(i):
    data = dirs[i]
    try:
        names = os.listdir(data)
    except OSError:
        names = []
    segments = sum(1 for n in names if n.endswith(".seg"))
    size = 0
    for n in names:
        try:
            size += os.stat(os.path.join(data, n)).st_size
        except OSError:
            pass  # deleted between the listing and the stat: a cut at work
    rss = fds = first = last = "-"
    with open(os.path.join(work, f"pid-{i}")) as f:
        pid = f.read().strip()
    if pid != "-":
        try:
            with open(f"/proc/{pid}/status") as f:
                rss = next(line.split()[1] for line in f if line.startswith("VmRSS:"))
            fds = str(len(os.listdir(f"/proc/{pid}/fd")))
        except (OSError, StopIteration):
            rss = fds = "-"
        try:
            with urllib.request.urlopen(f"http://{apis[i]}/status", timeout=1) as r:
                status = json.load(r)
            first, last = str(status["firstIndex"]), str(status["lastIndex"])
        except (OSError, ValueError, KeyError):
            pass  # starting, stopping or too busy to answer within a second
    return [rss, fds, str(segments), str(size), first, last]


with open(os.path.join(work, "load.out"), "a") as out, open(os.path.join(work, "samples.tsv"), "a") as samples:
    for line in sys.stdin:
        out.write(line)
        out.flush()
        if not line.startswith("INTERVAL "):
            continue
        fields = dict(kv.split("=", 1) for kv in line.split()[1:])
        row = [str(int(time.time() * 1000))] + [fields.get(k, "-") for k in LOAD]
        with open("/proc/loadavg") as f:
            row.append(f.read().split()[0])
        for i in range(3):
            row += node(i)
        samples.write("\t".join(row) + "\n")
        samples.flush()
