-- Shared by the wrk scripts of scripts/bench.sh: file loading, per-thread seeding, and one parsable result line.
local common = {}

-- An environment variable, nil when unset or empty.
function common.env(name)
  local value = os.getenv(name)
  if value == nil or value == "" then
    return nil
  end
  return value
end

function common.lines(path)
  local list = {}
  for line in io.lines(path) do
    if line ~= "" then
      list[#list + 1] = line
    end
  end
  return list
end

-- "instance-id tenant-line" per line -> ids, owners (parallel arrays)
function common.ids(path)
  local ids, owners = {}, {}
  for _, line in ipairs(common.lines(path)) do
    local id, owner = line:match("^(%S+)%s+(%d+)$")
    ids[#ids + 1] = id
    owners[#owners + 1] = tonumber(owner)
  end
  return ids, owners
end

local threads = 0

-- Numbers the wrk threads so each can seed its random generator and tag its requests.
function common.setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function common.seed()
  math.randomseed(os.time() * 1000 + (thread_id or 0))
end

-- RESULT line read by bench.sh; latencies in microseconds.
function common.done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d rps=%.1f p50_us=%d p99_us=%d non2xx=%d socket_errors=%d\n",
    summary.requests, summary.requests / seconds, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end

return common
