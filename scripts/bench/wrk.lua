-- wrk script for scripts/bench.sh.
--   wrk ... -s wrk.lua URL                                   GET URL, report only
--   wrk ... -s wrk.lua URL -- post PATH BODYFILE         POST bodies from a template in which
--       __N__ becomes a per-request unique token
--   wrk-paced.lua takes a 4th argument DELAY_MS that paces each connection (wrk has no rate
--       option: connections * 1000 / DELAY_MS is the ceiling of the request rate).
-- done() prints one line: "BENCH requests=… duration_s=… rps=… p50_ms=… p99_ms=… max_ms=… errors=…"

local threads = {}
local next_id = 1

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local mode, path, template, run
delay_ms = 0 -- global: wrk-paced.lua reads it
local counter = 0

function init(args)
  run = os.time() % 100000
  mode = args[1] or "get"
  if mode == "post" then
    path = args[2]
    local f = assert(io.open(args[3], "r"))
    template = f:read("*a")
    f:close()
    delay_ms = tonumber(args[4] or "0")
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
  end
end

function request()
  if mode ~= "post" then
    return wrk.request()
  end
  counter = counter + 1
  -- unique across threads (tid) and across runs (run: the start time), at most ~15 characters
  local token = "t" .. run .. tid .. "x" .. counter
  local body = template:gsub("__N__", token)
  return wrk.format("POST", path, nil, body)
end

function done(summary, latency, requests)
  local s = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_s=%.2f rps=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d status_errors=%d\n",
    summary.requests, s, summary.requests / s, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.timeout, e.status))
end
