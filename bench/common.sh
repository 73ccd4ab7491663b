# Shared by the benchmark scripts (sourced, not run).

# A free TCP port on loopback.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Runs a command as the postgres user when root (postgres refuses to run as root).
as_postgres() { if [[ $(id -u) == 0 ]]; then setpriv --reuid=postgres --regid=postgres --init-groups "$@"; else "$@"; fi; }

# Publishes a project as the container images are built: Release, linux-x64, ReadyToRun. Usage: publish PROJECT OUT LOG
publish() {
  dotnet publish "$1" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$2" --nologo -v quiet >"$3" \
    || { cat "$3"; exit 1; }
}

# Rate limits out of the way: one client on loopback plays every device and every caller (settings: docs/deviceapi.md).
unlimited_rates=(RateLimiting__PermitsPerSecond=1000000 RateLimiting__DevicePermitsPerSecond=1000000 RateLimiting__DeviceBurst=1000000
  RateLimiting__AppCreationsPerMinute=60000000)

# Starts what the NotificationApi benchmarks run against, directly (no Aspire proxy, as deployed): postgres, redis-server,
# the FcmEmulator, DeviceApi and NotificationApi, built Release for linux-x64 (ReadyToRun, no dynamic PGO, the tiered
# JIT counting calls at once: as the container images), in a work folder /tmp/pushboard-bench-NAME-*; stops them all
# and removes the folder on exit. Sets pg_bin, pg_port, devices_port, api_port, emulator_port, admin_key, work and
# pids (the started process groups, in the order postgres redis-server FcmEmulator DeviceApi NotificationApi).
# NOTIFICATIONAPI_SETTINGS adds settings to NotificationApi. Usage: start_pushboard NAME
start_pushboard() {
  pg_bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
  admin_key="bench-admin-key-$RANDOM$RANDOM$RANDOM"
  app_key="bench-app-key-$RANDOM$RANDOM$RANDOM"
  identity_secret="bench-identity-secret-$RANDOM$RANDOM$RANDOM"
  work=$(mktemp -d "/tmp/pushboard-bench-$1-XXXXXX")
  chmod 755 "$work"
  pg_port=$(free_port); redis_port=$(free_port); emulator_port=$(free_port); emulator_http2_port=$(free_port); devices_port=$(free_port); api_port=$(free_port)
  pids=()
  counter_pids=()
  cleanup() {
    for pid in "${counter_pids[@]}" "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done; done
    rm -rf "$work"
  }
  trap cleanup EXIT INT TERM

  echo "building (Release)..."
  for project in DeviceApi NotificationApi tests/FcmEmulator; do
    publish "$root/$project" "$work/$(basename "$project")" "$work/build.log"
  done

  mkdir -p "$work/pg"
  [[ $(id -u) == 0 ]] && chown postgres:postgres "$work/pg"
  as_postgres "$pg_bin/initdb" -D "$work/pg" -U postgres --auth=trust --encoding=UTF8 --no-locale >"$work/initdb.log"
  postgres=("$pg_bin/postgres" -D "$work/pg" -p "$pg_port" -c listen_addresses=127.0.0.1 -c unix_socket_directories= \
    -c max_connections=300 -c shared_buffers=256MB ${POSTGRES_OPTIONS:-})
  [[ -n ${PG_STATEMENTS:-} ]] && postgres+=(-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all)
  [[ $(id -u) == 0 ]] && postgres=(setpriv --reuid=postgres --regid=postgres --init-groups "${postgres[@]}")
  setsid "${postgres[@]}" >"$work/postgres.log" 2>&1 &
  pids+=($!)
  setsid redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly yes --appendfsync everysec --dir "$work" >"$work/redis.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" && break; sleep 0.2; done
  "$pg_bin/psql" -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "CREATE DATABASE devicesdb" -c "CREATE DATABASE notificationsdb"
  [[ -n ${PG_STATEMENTS:-} ]] && "$pg_bin/psql" -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "CREATE EXTENSION pg_stat_statements"

  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/key.pem" 2>/dev/null
  service_account=$(python3 -c 'import json,sys; print(json.dumps({"type": "service_account", "project_id": "pushboard-bench",
    "private_key_id": "bench", "private_key": open(sys.argv[1]).read(), "client_email": "bench@pushboard-bench.iam.gserviceaccount.com",
    "client_id": "1", "token_uri": sys.argv[2]}))' "$work/key.pem" "http://127.0.0.1:$emulator_port/token")

  start() { # name, dll, port, env...
    local name=$1 dll=$2 port=$3; shift 3
    ( cd "$work/$name" && exec setsid env ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="http://127.0.0.1:$port" \
        Logging__LogLevel__Default=Warning DOTNET_TC_CallCountingDelayMs=0 "$@" dotnet "$dll" ) >"$work/$name.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 150); do curl -sf -o /dev/null "http://127.0.0.1:$port/health" && return; sleep 0.2; done
    echo "$name did not become healthy:"; cat "$work/$name.log"; exit 1
  }
  keys=("Parameters__admin-api-key=$admin_key" "Parameters__app-api-key=$app_key" "${unlimited_rates[@]}")
  start FcmEmulator FcmEmulator.dll "$emulator_port" Emulator__Port="$emulator_port" Emulator__Http2Port="$emulator_http2_port" \
    Emulator__MessageCapacity=10000 Emulator__AttemptCapacity=10000
  start DeviceApi DeviceApi.dll "$devices_port" "${keys[@]}" "Parameters__identity-secret=$identity_secret" \
    ConnectionStrings__devicesdb="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=devicesdb" ConnectionStrings__cache="127.0.0.1:$redis_port"
  start NotificationApi NotificationApi.dll "$api_port" "${keys[@]}" \
    ConnectionStrings__notificationsdb="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=notificationsdb" \
    ConnectionStrings__cache="127.0.0.1:$redis_port" DeviceApi__BaseAddress="http://127.0.0.1:$devices_port" \
    Fcm__ServiceAccountJson="$service_account" Fcm__Endpoint="http://127.0.0.1:$emulator_http2_port" ${NOTIFICATIONAPI_SETTINGS:-}
}

# PG_STATEMENTS=1 (start_pushboard loads pg_stat_statements): pg_statements_reset forgets what was counted, and
# pg_statements_top N prints the statements that took the most time since, per operation of N (a delivery), and how
# many of the deliveries' updates were HOT and the table's size (notificationsdb).
pg_statements_reset() { [[ -z ${PG_STATEMENTS:-} ]] || "$pg_bin/psql" -qtA -h 127.0.0.1 -p "$pg_port" -U postgres -c "SELECT pg_stat_statements_reset()" >/dev/null; }
pg_statements_top() {
  [[ -n ${PG_STATEMENTS:-} ]] || return 0
  echo "postgres statements by time (pg_stat_statements), per operation of $1:"
  "$pg_bin/psql" -q -h 127.0.0.1 -p "$pg_port" -U postgres -P pager=off -c "
    SELECT round((total_exec_time * 1000 / $1)::numeric, 1) AS \"µs per op\", calls, round((rows::numeric / calls), 0) AS rows_per_call,
           round((shared_blks_dirtied + shared_blks_written)::numeric / $1, 3) AS blks_per_op, round((wal_bytes / $1)::numeric) AS wal_b_per_op,
           left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS query
    FROM pg_stat_statements WHERE calls > 0 ORDER BY total_exec_time DESC LIMIT 10"
  # An update that is not HOT (no room left on the row's page) writes an entry in each of the table's indexes.
  "$pg_bin/psql" -qtA -h 127.0.0.1 -p "$pg_port" -U postgres -d notificationsdb -c "
    SELECT format('deliveries since start: %s inserted, %s updated, %s %% of the updates HOT; table %s, indexes %s', n_tup_ins,
                  n_tup_upd, round(100.0 * n_tup_hot_upd / nullif(n_tup_upd, 0), 1), pg_size_pretty(pg_table_size(relid)),
                  pg_size_pretty(pg_indexes_size(relid)))
    FROM pg_stat_user_tables WHERE relname = 'deliveries'"
}

# With dotnet-counters on the PATH (`dotnet tool install -g dotnet-counters`), watch_allocations NAME PID records the
# runtime's counters of a .NET process once a second, and allocated_bytes NAME prints the bytes it allocated since
# then (dotnet.gc.heap.total_allocated); without it, allocated_bytes prints nothing. A broadcast's allocations are the
# difference of two readings taken while the process is idle, a refresh or two after the work ended.
watch_allocations() {
  local counters
  counters=$(command -v dotnet-counters || echo "$HOME/.dotnet/tools/dotnet-counters")
  [[ -x $counters ]] || return 0
  setsid "$counters" collect -p "$2" --counters System.Runtime --refresh-interval 1 --format csv -o "$work/$1.counters.csv" \
    >"$work/$1.counters.log" 2>&1 &
  counter_pids+=($!)
}
allocated_bytes() {
  [[ -f $work/$1.counters.csv ]] || return 0
  python3 - "$work/$1.counters.csv" <<'PY'
import csv, sys
print(int(sum(float(row[-1]) for row in csv.reader(open(sys.argv[1]))
              if len(row) >= 5 and row[2].startswith("dotnet.gc.heap.total_allocated"))))
PY
}

# CPU seconds used so far by each started process group of pids (exited children included), in their order.
cpu_seconds() {
  python3 - "${pids[@]}" <<'PY'
import os, sys
groups = [int(g) for g in sys.argv[1:]]
stats = {}
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        continue
    stats[int(pid)] = (int(fields[1]), int(fields[2]), sum(int(f) for f in fields[11:15]))
# A process counts for the group it or an ancestor leads: postgres backends start sessions of their own.
def group(pid):
    while pid in stats:
        parent, pgid, _ = stats[pid]
        if pgid in groups:
            return pgid
        pid = parent
ticks = {g: 0 for g in groups}
for pid, (_, _, used) in stats.items():
    if (g := group(pid)) is not None:
        ticks[g] += used
print(" ".join(str(t / os.sysconf("SC_CLK_TCK")) for t in ticks.values()))
PY
}
