-- GET /api/devices/{id} for random seeded devices.
local devices = tonumber(os.getenv("BENCH_DEVICES") or "10000")

local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function init(args)
  math.randomseed(os.time() * 100 + thread_number)
end

function request()
  local id = string.format("bench-device-%05d", math.random(1, devices))
  return wrk.format("GET", "/api/devices/" .. id, { ["X-Api-Key"] = os.getenv("BENCH_ADMIN_KEY") })
end
