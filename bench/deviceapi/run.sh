#!/usr/bin/env bash
# DeviceApi throughput: PATCH token refresh (new tokens; then with TAKEOVER_PERCENT, default 5, of tokens taken from
# another device) and GET device under wrk (64 connections, 10,000 seeded devices).
# Builds Release, starts its own postgres (initdb --no-locale in a temp folder) and redis-server on free ports,
# runs DeviceApi.dll as in production (logging at Warning), seeds devices (each with the device secret
# bench-device-secret-<its number, 23 digits>, which patch-token.lua sends), runs each wrk scenario RUNS times,
# prints the median req/s, p99 and DeviceApi's CPU per request (and postgres's, per run), and stops everything it started.
# Usage: bench/deviceapi/run.sh            DURATION=15s RUNS=3 WARMUP=30s bench/deviceapi/run.sh
#        POSTGRES_OPTIONS="-c shared_preload_libraries=pg_stat_statements" bench/deviceapi/run.sh   (extra postgres settings)
#        bench/deviceapi/run.sh --serve    (start and seed, then keep serving until Ctrl-C: for manual calls)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/bench/common.sh"
duration=${DURATION:-30s}
runs=${RUNS:-3}
connections=${CONNECTIONS:-64}
threads=${THREADS:-2}
export BENCH_DEVICES=${DEVICES:-10000}
pg_bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
export BENCH_ADMIN_KEY="bench-admin-key-$RANDOM$RANDOM$RANDOM"
export BENCH_APP_KEY="bench-app-key-$RANDOM$RANDOM$RANDOM"
identity_secret="bench-identity-secret-$RANDOM$RANDOM$RANDOM"


work=$(mktemp -d /tmp/pushboard-bench-deviceapi-XXXXXX)
chmod 755 "$work"
pg_port=$(free_port)
redis_port=$(free_port)
api_port=$(free_port)
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

echo "building DeviceApi (Release)..."
publish "$root/DeviceApi" "$work/app" "$work/build.log"

mkdir -p "$work/pg"
[[ $(id -u) == 0 ]] && chown postgres:postgres "$work/pg"
as_postgres "$pg_bin/initdb" -D "$work/pg" -U postgres --auth=trust --encoding=UTF8 --no-locale >"$work/initdb.log"
postgres=("$pg_bin/postgres" -D "$work/pg" -p "$pg_port" -c listen_addresses=127.0.0.1 -c unix_socket_directories= \
  -c max_connections=300 -c shared_buffers=256MB ${POSTGRES_OPTIONS:-})
[[ $(id -u) == 0 ]] && postgres=(setpriv --reuid=postgres --regid=postgres --init-groups "${postgres[@]}")
setsid "${postgres[@]}" >"$work/postgres.log" 2>&1 &
pids+=($!)
setsid redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no >"$work/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" && break; sleep 0.2; done
"$pg_bin/psql" -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "CREATE DATABASE devicesdb"

psql_devices() { "$pg_bin/psql" -q -h 127.0.0.1 -p "$pg_port" -U postgres -d devicesdb "$@"; }

(
  cd "$work/app"
  exec setsid env ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="http://127.0.0.1:$api_port" \
    ConnectionStrings__devicesdb="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=devicesdb" \
    ConnectionStrings__cache="127.0.0.1:$redis_port" \
    "Parameters__admin-api-key=$BENCH_ADMIN_KEY" "Parameters__app-api-key=$BENCH_APP_KEY" "Parameters__identity-secret=$identity_secret" \
    "${unlimited_rates[@]}" Logging__LogLevel__Default=Warning DOTNET_TC_CallCountingDelayMs=0 \
    dotnet DeviceApi.dll
) >"$work/deviceapi.log" 2>&1 &
pids+=($!)
for _ in $(seq 150); do curl -sf -o /dev/null "http://127.0.0.1:$api_port/health" && break; sleep 0.2; done
curl -sf -o /dev/null "http://127.0.0.1:$api_port/health" || { echo "DeviceApi did not become healthy:"; cat "$work/deviceapi.log"; exit 1; }

echo "seeding $BENCH_DEVICES devices..."
psql_devices -c "INSERT INTO devices (device_id, fcm_token, platform, user_id, app_version, locale, status, created_at, updated_at, token_updated_at, last_seen_at, secret_hash)
  SELECT format('bench-device-%s', lpad(n::text, 5, '0')), format('seed-token-%s:APA91bHun4MxP5egoKMwt2KZFBaFUH', n),
         (ARRAY['android', 'ios', 'web'])[n % 3 + 1], format('user-%s', n % 2500), '3.1.0', 'ko-KR', 'active', now(), now(), now(), now(),
         sha256(convert_to(format('bench-device-secret-%s', lpad(n::text, 23, '0')), 'UTF8'))
  FROM generate_series(1, $BENCH_DEVICES) AS n" -c "VACUUM ANALYZE devices"

if [[ ${1:-} == --serve ]]; then
  echo "DeviceApi at http://127.0.0.1:$api_port  admin key: $BENCH_ADMIN_KEY  app key: $BENCH_APP_KEY  (Ctrl-C stops)"
  wait "${pids[2]}"
  exit 0
fi

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
to_ms() { awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.2f\n", v }'; }

# Every run starts from the same table: no dead rows from the previous run left to autovacuum, no checkpoint due
# (pgbench vacuums before its runs for the same reason).
settle() { psql_devices -c "VACUUM ANALYZE devices" -c "CHECKPOINT"; }

scenario() {
  local name=$1 script=$2 rps=() p99=() cpu=() cpu_before requests
  curl -sf -o /dev/null -H "X-Api-Key: $BENCH_ADMIN_KEY" "http://127.0.0.1:$api_port/api/devices/bench-device-00001"
  BENCH_RUN="$name-warmup" wrk -t"$threads" -c"$connections" -d"${WARMUP:-30s}" -s "$here/$script" "http://127.0.0.1:$api_port" >/dev/null
  for run in $(seq "$runs"); do
    local out
    settle
    read -ra cpu_before <<<"$(cpu_seconds)"
    out=$(BENCH_RUN="$run" wrk -t"$threads" -c"$connections" -d"$duration" --latency -s "$here/$script" "http://127.0.0.1:$api_port")
    if grep -q "Non-2xx" <<<"$out"; then echo "$out"; echo "$name: non-2xx answers" >&2; exit 1; fi
    rps+=("$(awk '/^Requests\/sec/ { print $2 }' <<<"$out")")
    p99+=("$(awk '$1 == "99%" { print $2 }' <<<"$out" | to_ms)")
    requests=$(awk '/requests in/ { print $1 }' <<<"$out")
    cpu+=("$(python3 -c 'import sys; b, a = (list(map(float, s.split())) for s in sys.argv[1:3]); print("%.0f/%.0f" % ((a[2] - b[2]) * 1e6 / int(sys.argv[3]), (a[0] - b[0]) * 1e6 / int(sys.argv[3])))' \
      "${cpu_before[*]}" "$(cpu_seconds)" "$requests")")
    printf '%s run %d: %s req/s, p99 %s ms, CPU per request DeviceApi/postgres %s µs\n' "$name" "$run" "${rps[-1]}" "${p99[-1]}" "${cpu[-1]}"
  done
  printf '%s median of %d x %s: %s req/s, p99 %s ms, DeviceApi CPU per request %s µs\n' "$name" "$runs" "$duration" \
    "$(printf '%s\n' "${rps[@]}" | median)" "$(printf '%s\n' "${p99[@]}" | median)" "$(printf '%s\n' "${cpu[@]%%/*}" | median)"
}

# What Postgres alone does at this moment (the machine is shared), for scale.
settle
printf 'reference: postgres alone (pgbench, 64 clients, 10 s, single-row UPDATE of devices): %s tps\n' \
  "$("$pg_bin/pgbench" -n -h 127.0.0.1 -p "$pg_port" -U postgres -c "$connections" -j "$threads" -T 10 -M prepared -f "$here/pgbench-update.sql" devicesdb 2>/dev/null \
     | awk '/^tps/ { printf "%.0f", $3 }')"
takeover_percent=${TAKEOVER_PERCENT:-5}
TAKEOVER_PERCENT=0 scenario PATCH-token patch-token.lua
TAKEOVER_PERCENT=$takeover_percent scenario "PATCH-token-takeover-$takeover_percent%" patch-token.lua
scenario GET-device get-device.lua
psql_devices -At -c "SELECT count(*) || ' devices, ' || count(DISTINCT fcm_token) || ' distinct tokens, ' || count(*) FILTER (WHERE status = 'active') || ' active' FROM devices"
