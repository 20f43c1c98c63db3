-- POST a new noop instance, with a name unique per run, thread and request.
-- BENCH_TOKENS: tenant tokens, used round-robin, each wrk thread starting at its own share of them so that
-- concurrent creates rarely meet on one tenant (BENCH_TENANTS=1: only the first tenant's); unset for the ceiling.
-- BENCH_PATH: /v1/instances, or /insert for the ceiling. BENCH_TAG: unique per run. BENCH_THREADS: wrk's -t.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
local path = common.env("BENCH_PATH") or "/v1/instances"
local tag = common.env("BENCH_TAG") or "b"
local tokens
local counter = 0
local offset = 0

setup = common.setup
done = common.done

function init(args)
  common.seed()
  if common.env("BENCH_TOKENS") then
    tokens = common.lines(os.getenv("BENCH_TOKENS"))
    local limit = tonumber(common.env("BENCH_TENANTS") or "0")
    if limit > 0 and limit < #tokens then
      for i = #tokens, limit + 1, -1 do
        tokens[i] = nil
      end
    end
    offset = (thread_id - 1) * math.floor(#tokens / tonumber(common.env("BENCH_THREADS") or "1"))
  end
end

function request()
  counter = counter + 1
  local headers = { ["Content-Type"] = "application/json" }
  if tokens then
    headers["Authorization"] = "Bearer " .. tokens[(counter + offset) % #tokens + 1]
  end
  local body = string.format('{"name":"%s-%d-%d","image":"hello:1.0","provider_name":"noop"}', tag, thread_id, counter)
  return wrk.format("POST", path, headers, body)
end
