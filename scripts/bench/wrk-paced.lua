-- wrk.lua plus a fixed delay before each request on every connection (see wrk.lua).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "wrk.lua")

function delay()
  return delay_ms
end
