-- PATCH /api/devices/{id}/token for random seeded devices, each time with a token never used before.
local devices = tonumber(os.getenv("BENCH_DEVICES") or "10000")
local counter = 0
local prefix

function setup(thread)
  thread:set("thread_id", tostring(math.random(1, 1e9)))
end

function init(args)
  prefix = "bench-" .. (thread_id or "0") .. "-"
  math.randomseed(os.time() + tonumber(thread_id or "0"))
end

function request()
  counter = counter + 1
  local id = string.format("bench-device-%05d", math.random(1, devices))
  local body = '{"fcmToken":"' .. prefix .. counter .. ':APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx"}'
  return wrk.format("PATCH", "/api/devices/" .. id .. "/token", { ["Content-Type"] = "application/json", ["X-Api-Key"] = os.getenv("BENCH_APP_KEY") }, body)
end
