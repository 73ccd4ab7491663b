#!/usr/bin/env bash
# Soak run: steady mixed load (bench/soak/driver.py: registrations, token refreshes and takeovers, deletes,
# notifications of every target kind with and without Idempotency-Key, a broadcast to every device every few minutes)
# while one part at a time (NotificationApi, DeviceApi, Redis, Postgres) is SIGKILLed or stopped, and started again.
# Starts its own postgres (its data directory kept across restarts), redis-server (appendonly, so its data survives),
# FcmEmulator, DeviceApi and NotificationApi directly, each in its own process group; retention is shortened to a
# tenth of the run so deletion runs during it. At the end it waits for every accepted notification to end and prints
# PASS/FAIL lines: notifications ended, acknowledged device writes present, emulator duplicates within the in-flight
# window per NotificationApi kill, no 5xx but 503 with Retry-After. With SOAK_TRENDS=1 (the default from 10 minutes
# on) it also samples RSS, Redis memory, stream lengths and row counts every minute and checks they stay flat.
# Exits non-zero on any FAIL; keeps its folder (logs, samples) when something failed.
# Usage: bench/soak.sh     SOAK_MINUTES=3 SOAK_BROADCAST_DEVICES=20000 bench/soak.sh     SOAK_BUILD=Debug (use the
# outputs of `dotnet build`, as test.sh does, instead of publishing Release)     SOAK_SEED=n (the order of the faults)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/bench/common.sh"
minutes=${SOAK_MINUTES:-30}
broadcast_devices=${SOAK_BROADCAST_DEVICES:-100000}
trends=${SOAK_TRENDS:-$((minutes >= 10 ? 1 : 0))}
build=${SOAK_BUILD:-Release}
pg_bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
RANDOM=${SOAK_SEED:-$$}
admin_key="soak-admin-key-$RANDOM$RANDOM$RANDOM"
app_key="soak-app-key-$RANDOM$RANDOM$RANDOM"
identity_secret="soak-identity-secret-$RANDOM$RANDOM$RANDOM"

# Timing, scaled with the run: a 30-minute run faults every 3 minutes, broadcasts every 5, deletes notifications 3
# minutes after they ended (checked every 20 s) and remembers an Idempotency-Key for 5 minutes.
duration=$((minutes * 60))
fault_every=$((duration / 10 > 45 ? duration / 10 : 45))
broadcast_every=$((duration / 6 > 120 ? duration / 6 : 120))
retention=$((duration / 10 > 30 ? duration / 10 : 30))
retention_interval=$((retention / 9 > 5 ? retention / 9 : 5))
idempotency_window=$((duration / 6 > 60 ? duration / 6 : 60))
down_seconds=5
# The in-flight window: Sending:Workers work loops × Sending:Concurrency sends each (NotificationApi's defaults).
workers=4
concurrency=200
hms() { printf '%02d:%02d:%02d' $(($1 / 3600)) $(($1 % 3600 / 60)) $(($1 % 60)); }

work=$(mktemp -d /tmp/pushboard-soak-XXXXXX)
chmod 755 "$work"
pg_port=$(free_port); redis_port=$(free_port); emulator_port=$(free_port); emulator_http2_port=$(free_port); devices_port=$(free_port); api_port=$(free_port)
declare -A pid=() starts=()
driver_pid=
status=1
cleanup() {
  [[ -n $driver_pid ]] && kill -TERM "$driver_pid" 2>/dev/null || true
  for part in "${!pid[@]}"; do kill -TERM -- "-${pid[$part]}" 2>/dev/null || true; done
  for part in "${!pid[@]}"; do while kill -0 "${pid[$part]}" 2>/dev/null; do sleep 0.2; done; done
  if [[ $status == 0 && -z ${SOAK_KEEP:-} ]]; then rm -rf "$work"; else echo "soak: logs and samples kept in $work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "soak: $minutes min, a fault every $fault_every s, a broadcast every $broadcast_every s to $broadcast_devices seeded devices and the driver's,"
echo "      retention $retention s (every $retention_interval s), Idempotency-Key window $idempotency_window s, trends $( ((trends)) && echo on || echo off)"
echo "building ($build)..."
declare -A dll=()
for project in DeviceApi NotificationApi tests/FcmEmulator; do
  name=$(basename "$project")
  if [[ $build == Release ]]; then
    publish "$root/$project" "$work/$name" "$work/build.log"
  else
    ln -s "$root/$project/bin/$build/net10.0" "$work/$name"
    [[ -e $work/$name/$name.dll ]] || { echo "no $build build of $name: run dotnet build first"; exit 1; }
  fi
  dll[$name]=$name.dll
done

mkdir -p "$work/pg"
[[ $(id -u) == 0 ]] && chown postgres:postgres "$work/pg"
as_postgres "$pg_bin/initdb" -D "$work/pg" -U postgres --auth=trust --encoding=UTF8 --no-locale >"$work/initdb.log"

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/key.pem" 2>/dev/null
service_account=$(python3 -c 'import json,sys; print(json.dumps({"type": "service_account", "project_id": "pushboard-soak",
  "private_key_id": "soak", "private_key": open(sys.argv[1]).read(), "client_email": "soak@pushboard-soak.iam.gserviceaccount.com",
  "client_id": "1", "token_uri": sys.argv[2]}))' "$work/key.pem" "http://127.0.0.1:$emulator_port/token")
keys=("Parameters__admin-api-key=$admin_key" "Parameters__app-api-key=$app_key" "${unlimited_rates[@]}")

launch_dotnet() { # name, port, env...
  local name=$1 port=$2; shift 2
  ( cd "$work/$name" && exec setsid env ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="http://127.0.0.1:$port" \
      Logging__LogLevel__Default=Warning "$@" dotnet "${dll[$name]}" ) >>"$work/$name.log" 2>&1 &
  pid[$name]=$!
  disown
}

# Starts one part (again) and waits until it answers. Every start is numbered, so RSS samples belong to one lifetime.
# Parts are disowned: the kills are the point, not news for the job table.
start() {
  local part=$1
  starts[$part]=$((${starts[$part]:-0} + 1))
  echo "=== start ${starts[$part]} at $(date -u +%FT%TZ)" >>"$work/$part.log"
  case $part in
    postgres)
      local command=("$pg_bin/postgres" -D "$work/pg" -p "$pg_port" -c listen_addresses=127.0.0.1 -c unix_socket_directories= \
        -c max_connections=300 -c shared_buffers=256MB)
      [[ $(id -u) == 0 ]] && command=(setpriv --reuid=postgres --regid=postgres --init-groups "${command[@]}")
      setsid "${command[@]}" >>"$work/postgres.log" 2>&1 &
      pid[postgres]=$!
      disown ;;
    redis)
      setsid redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly yes --appendfsync everysec --dir "$work" \
        >>"$work/redis.log" 2>&1 &
      pid[redis]=$!
      disown ;;
    FcmEmulator)
      launch_dotnet FcmEmulator "$emulator_port" Emulator__Port="$emulator_port" Emulator__Http2Port="$emulator_http2_port" \
        Emulator__MessageCapacity=10000 Emulator__AttemptCapacity=10000 ;;
    DeviceApi)
      launch_dotnet DeviceApi "$devices_port" "${keys[@]}" "Parameters__identity-secret=$identity_secret" \
        ConnectionStrings__devicesdb="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=devicesdb" ConnectionStrings__cache="127.0.0.1:$redis_port" ;;
    NotificationApi)
      launch_dotnet NotificationApi "$api_port" "${keys[@]}" \
        ConnectionStrings__notificationsdb="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=notificationsdb" \
        ConnectionStrings__cache="127.0.0.1:$redis_port" DeviceApi__BaseAddress="http://127.0.0.1:$devices_port" \
        Fcm__ServiceAccountJson="$service_account" Fcm__Endpoint="http://127.0.0.1:$emulator_http2_port" \
        Sending__Workers=$workers Sending__Concurrency=$concurrency \
        Retention__Notifications="$(hms "$retention")" Retention__Interval="$(hms "$retention_interval")" \
        Notifications__IdempotencyWindow="$(hms "$idempotency_window")" ;;
  esac
  for _ in $(seq 600); do
    case $part in
      postgres) "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" && return ;;
      redis) [[ $(redis-cli -p "$redis_port" ping 2>/dev/null) == PONG ]] && return ;;
      FcmEmulator) curl -sf -o /dev/null "http://127.0.0.1:$emulator_port/health" && return ;;
      DeviceApi) curl -sf -o /dev/null "http://127.0.0.1:$devices_port/health" && return ;;
      NotificationApi) curl -sf -o /dev/null "http://127.0.0.1:$api_port/health" && return ;;
    esac
    kill -0 "${pid[$part]}" 2>/dev/null || break
    sleep 0.2
  done
  echo "$part did not become ready:"; tail -50 "$work/$part.log"; exit 1
}

# Stops one part with SIGKILL (kill) or its ordinary stop signal (restart; postgres: fast shutdown), waits until its
# whole process group is gone.
stop() {
  local part=$1 action=$2 signal=TERM
  [[ $action == kill ]] && signal=KILL
  [[ $action == restart && $part == postgres ]] && signal=INT
  kill -"$signal" -- "-${pid[$part]}" 2>/dev/null || true
  for _ in $(seq 300); do pgrep -g "${pid[$part]}" >/dev/null || return 0; sleep 0.2; done
  echo "soak: $part ignored SIG$signal for 60 s: SIGKILL" | tee -a "$work/events.log"
  kill -KILL -- "-${pid[$part]}" 2>/dev/null || true
  while pgrep -g "${pid[$part]}" >/dev/null; do sleep 0.2; done
}

start postgres
"$pg_bin/psql" -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "CREATE DATABASE devicesdb" -c "CREATE DATABASE notificationsdb"
start redis
start FcmEmulator
start DeviceApi
start NotificationApi

echo "seeding $broadcast_devices devices..."
"$pg_bin/psql" -q -h 127.0.0.1 -p "$pg_port" -U postgres -d devicesdb \
  -c "INSERT INTO devices (device_id, fcm_token, platform, status, created_at, updated_at, token_updated_at, last_seen_at)
      SELECT format('soak-seed-%s', lpad(n::text, 7, '0')), format('soak-seed-token-%s:APA91bHun4MxP5egoKMwt2KZFBaFUH', n),
             'android', 'active', now(), now(), now(), now() FROM generate_series(1, $broadcast_devices) AS n" -c "VACUUM ANALYZE devices"

sample_line() { printf '%d\t%s\t%s\n' "$1" "$2" "$3" >>"$work/samples.tsv"; }
# One sample of every series: RSS per part and lifetime, Redis memory, stream lengths, row counts of every table.
sample() {
  local minute=$1 part db table
  for part in postgres redis FcmEmulator DeviceApi NotificationApi; do
    sample_line "$minute" "rss_mb $part#${starts[$part]}" "$(ps -o rss= --sid "${pid[$part]}" | awk '{ kb += $1 } END { printf "%.1f", kb / 1024 }')"
  done
  if info=$(redis-cli -p "$redis_port" INFO memory 2>/dev/null); then
    sample_line "$minute" redis_used_memory_mb "$(awk -F: '/^used_memory:/ { printf "%.1f", $2 / 1048576 }' <<<"$info")"
    for stream in notifications:work device-events $(redis-cli -p "$redis_port" --scan --type stream 2>/dev/null); do
      echo "$stream"
    done | sort -u | while read -r stream; do
      sample_line "$minute" "xlen $stream" "$(redis-cli -p "$redis_port" XLEN "$stream")"
    done
  fi
  for db in devicesdb notificationsdb; do
    "$pg_bin/psql" -At -h 127.0.0.1 -p "$pg_port" -U postgres -d "$db" -c "SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '__EFMigrationsHistory' ORDER BY 1" 2>/dev/null |
      while read -r table; do
        sample_line "$minute" "rows $db.$table" "$("$pg_bin/psql" -At -h 127.0.0.1 -p "$pg_port" -U postgres -d "$db" -c "SELECT count(*) FROM \"$table\"")"
      done || true
  done
}

echo "load for $minutes min..."
python3 "$root/bench/soak/driver.py" drive --devices-port "$devices_port" --api-port "$api_port" --emulator-port "$emulator_port" \
  --admin-key "$admin_key" --app-key "$app_key" --identity-secret "$identity_secret" --duration "$duration" --first-broadcast $((fault_every - 5)) \
  --broadcast-every "$broadcast_every" --drain-timeout $((duration / 4 > 240 ? duration / 4 : 240)) \
  --window $((workers * concurrency)) --events "$work/events.log" &
driver_pid=$!

# The faults: the first hits NotificationApi 5 s into the first broadcast, the second another part, then any part.
others=(DeviceApi redis postgres)
parts=(NotificationApi DeviceApi redis postgres)
begin=$SECONDS
next_fault=$fault_every
next_sample=0
faults=0
touch "$work/events.log"
while ((SECONDS - begin < duration)); do
  elapsed=$((SECONDS - begin))
  if ((trends && elapsed >= next_sample)); then
    sample $((next_sample / 60))
    next_sample=$((next_sample + 60))
  fi
  if ((elapsed >= next_fault && elapsed < duration - 30)); then
    case $faults in
      0) part=NotificationApi ;;
      1) part=${others[RANDOM % 3]} ;;
      *) part=${parts[RANDOM % 4]} ;;
    esac
    if ((RANDOM % 2)); then action=kill; else action=restart; fi
    echo "$(hms "$elapsed") $part $action" | tee -a "$work/events.log"
    stop "$part" "$action"
    sleep "$down_seconds"
    start "$part"
    faults=$((faults + 1))
    next_fault=$((next_fault + fault_every))
  fi
  sleep 1
done
driver_status=0
wait "$driver_pid" || driver_status=$?
driver_pid=
trend_status=0
if ((trends)); then
  python3 "$root/bench/soak/driver.py" trends --samples "$work/samples.tsv" --skip-minutes $(((2 * retention + broadcast_every) / 60 + 1)) \
    || trend_status=$?
fi
if ((driver_status == 0 && trend_status == 0)); then
  status=0
  echo "soak: PASS"
else
  for part in NotificationApi DeviceApi FcmEmulator; do
    echo "--- $part: errors logged ($(grep -c 'fail:\|crit:' "$work/$part.log" || true)); the last ones:"
    grep -A3 'fail:\|crit:' "$work/$part.log" | tail -20 || true
  done
  echo "soak: FAIL"
fi
exit $status
