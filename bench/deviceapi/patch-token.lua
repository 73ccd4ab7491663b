-- PATCH /api/devices/{id}/token for random seeded devices, each time with a token never used before
-- (BENCH_RUN tells the wrk runs apart, the thread number the threads of one run). TAKEOVER_PERCENT (default 0) of
-- the refreshes give the device a token this thread gave another device moments ago instead: a token another device
-- holds, taken from it (the reinstall case: the holder becomes invalid, token_reassigned). Each refresh carries the
-- device's secret, seeded by run.sh as bench-device-secret-<the device's number, 23 digits>.
local devices = tonumber(os.getenv("BENCH_DEVICES") or "10000")
local takeover = tonumber(os.getenv("TAKEOVER_PERCENT") or "0")
local threads = 0
local counter = 0
local recent = {}
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
  local n = math.random(1, devices)
  local id = string.format("bench-device-%05d", n)
  local token
  if takeover > 0 and #recent == 100 and math.random(1, 100) <= takeover then
    token = recent[math.random(1, 100)]
  else
    token = prefix .. counter .. ":APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx"
    recent[(counter % 100) + 1] = token
  end
  local body = '{"fcmToken":"' .. token .. '"}'
  local headers = {
    ["Content-Type"] = "application/json",
    ["X-Api-Key"] = os.getenv("BENCH_APP_KEY"),
    ["X-Device-Secret"] = string.format("bench-device-secret-%023d", n),
  }
  return wrk.format("PATCH", "/api/devices/" .. id .. "/token", headers, body)
end
