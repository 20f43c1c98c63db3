-- GET / with the Host header BENCH_HOST (the edge routes on it; nginx ignores it), for scripts/bench/edge.sh.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
local host = common.env("BENCH_HOST")

setup = common.setup
done = common.done

function request()
  local headers = {}
  if host then
    headers["Host"] = host
  end
  return wrk.format("GET", "/", headers)
end
