-- GET one instance, a random one of the seeded ids, with the token of the tenant that owns it.
-- BENCH_IDS: ids file; BENCH_TOKENS: tenant tokens (unset for the ceiling); BENCH_PATH: path before the id.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
local prefix = common.env("BENCH_PATH") or "/v1/instances/"
local ids, owners, tokens

setup = common.setup
done = common.done

function init(args)
  common.seed()
  ids, owners = common.ids(os.getenv("BENCH_IDS"))
  if common.env("BENCH_TOKENS") then
    tokens = common.lines(os.getenv("BENCH_TOKENS"))
  end
end

function request()
  local i = math.random(#ids)
  local headers = {}
  if tokens then
    headers["Authorization"] = "Bearer " .. tokens[owners[i]]
  end
  return wrk.format("GET", prefix .. ids[i], headers)
end
