-- GET /v1/instances?limit=20: the first page of one tenant's instances, as that tenant (a random one per request).
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
local tokens

setup = common.setup
done = common.done

function init(args)
  common.seed()
  tokens = common.lines(os.getenv("BENCH_TOKENS"))
end

function request()
  local headers = { ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)] }
  return wrk.format("GET", "/v1/instances?limit=20", headers)
end
