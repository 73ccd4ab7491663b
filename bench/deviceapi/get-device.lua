-- GET /api/devices/{id} for random seeded devices.
local devices = tonumber(os.getenv("BENCH_DEVICES") or "10000")

function setup(thread)
  thread:set("seed", tostring(math.random(1, 1e9)))
end

function init(args)
  math.randomseed(os.time() + tonumber(seed or "0"))
end

function request()
  local id = string.format("bench-device-%05d", math.random(1, devices))
  return wrk.format("GET", "/api/devices/" .. id, { ["X-Api-Key"] = os.getenv("BENCH_ADMIN_KEY") })
end
