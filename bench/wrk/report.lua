-- Shared by append.lua and etcd-put.lua: counts non-2xx answers per thread and prints one machine-readable
-- "BENCH key=value ..." line when wrk is done (bench/run.sh parses it). Latencies are in microseconds.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

non2xx = 0

-- Defining response() makes wrk hand every answer to Lua: a small cost, paid so that only 2xx answers count as
-- writes (wrk's own error count misses 1xx/3xx, and a follower's 307 is not a write).
function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d " ..
    "p50_us=%d p90_us=%d p99_us=%d p999_us=%d mean_us=%.1f max_us=%d\n",
    summary.requests, summary.duration, bad, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.mean, latency.max))
end
