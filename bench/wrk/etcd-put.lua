-- wrk script for etcd 3.4's HTTP JSON gateway: POST /v3/kv/put {"key": base64, "value": base64 of 100 bytes}.
-- Every request writes the same key (each put is still a new revision, replicated and fsynced like any other).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

-- base64("bench-key") and base64 of 100 'x' bytes.
local key = "YmVuY2gta2V5"
local value = string.rep("eHh4", 33) .. "eA=="

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = '{"key":"' .. key .. '","value":"' .. value .. '"}'
end
