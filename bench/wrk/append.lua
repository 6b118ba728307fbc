-- wrk script for HttpRaft's POST /log with 100-byte entries.
--   wrk ... -s append.lua http://LEADER/log              one entry per request: {"entry": "<100 bytes>"}
--   wrk ... -s append.lua http://LEADER/log -- 100       a batch per request:   {"entries": ["<100 bytes>", ... x100]}
-- The request is built once per thread in init(), so wrk sends it without calling Lua per request.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

local entry = string.rep("x", 100)

function init(args)
  local batch = tonumber(args[1] or "0") or 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  if batch > 0 then
    local entries = {}
    for i = 1, batch do entries[i] = '"' .. entry .. '"' end
    wrk.body = '{"entries":[' .. table.concat(entries, ",") .. ']}'
  else
    wrk.body = '{"entry":"' .. entry .. '"}'
  end
end
