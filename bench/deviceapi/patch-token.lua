-- PATCH /api/devices/{id}/token for random seeded devices, each time with a token never used before
-- (BENCH_RUN tells the wrk runs apart, the thread number the threads of one run).
local devices = tonumber(os.getenv("BENCH_DEVICES") or "10000")
local threads = 0
local counter = 0
local prefix

function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function init(args)
  prefix = "bench-" .. (os.getenv("BENCH_RUN") or "0") .. "-" .. thread_number .. "-"
  math.randomseed(os.time() * 100 + thread_number)
end

function request()
  counter = counter + 1
  local id = string.format("bench-device-%05d", math.random(1, devices))
  local body = '{"fcmToken":"' .. prefix .. counter .. ':APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx"}'
  return wrk.format("PATCH", "/api/devices/" .. id .. "/token", { ["Content-Type"] = "application/json", ["X-Api-Key"] = os.getenv("BENCH_APP_KEY") }, body)
end
