#!/usr/bin/env bash
# NotificationApi broadcast throughput: `all: true` notifications to DEVICES registered devices, sent into the
# FCM emulator through the real OAuth2 + FCM HTTP v1 path (messages:send over HTTP/2, as with the real FCM). Builds
# Release for linux-x64 (ReadyToRun, no dynamic PGO, the tiered JIT counting calls at once: as the container images);
# starts its own postgres, redis-server, FcmEmulator, DeviceApi and NotificationApi directly (no Aspire proxy, as
# deployed); seeds the devices with SQL; prints deliveries/s from POST to completed, the CPU each process spent per
# delivery, and NotificationApi's peak RSS; stops everything it started. BROADCASTS (default 3) broadcasts run one after the other in the same processes: the
# first runs while the tiered JIT is still compiling the hot paths, the last shows the warmed-up service.
# OLD_DELIVERIES=n stores, before each broadcast, a notification that ended 91 days ago with n deliveries, so that
# retention deletes them while the broadcast sends (run it every 2 s: NOTIFICATIONAPI_SETTINGS=Retention__Interval=00:00:02).
# SCENARIO=localtime (instead of the broadcasts): the devices split between Asia/Kolkata (+05:30) and Asia/Kathmandu
# (+05:45), one `all: true` notification with a localTime LOCAL_TIME_AHEAD minutes (default 4) ahead in Kathmandu, so
# Kolkata's moment comes 15 minutes later; prints per moment how long after it the last delivery was sent, and the peak RSS.
# SCENARIO=cancel (instead of the broadcasts): one broadcast canceled once CANCEL_AFTER (default a third of DEVICES)
# deliveries were sent; prints how many went out after NotificationApi received the cancel, and after its 200.
# SCENARIO=segment (instead of the broadcasts): the devices are seeded with segment attributes (10 % tagged plan: pro, 60 % plan:
# free; three platforms; 12 locales of which ko-KR, ko and kok-IN; app versions 3.0.0-3.12.4, 1 % none); prints the
# p50/p95 of COUNT_CALLS (default 200) POST /api/devices/count calls for each of two segments, then sends, after a
# warm-up, a broadcast and the two segments, each with its CPU per delivery (compare the segments with the broadcast).
# Usage: bench/notificationapi/run.sh            DEVICES=1000000 BROADCASTS=1 bench/notificationapi/run.sh
#        DEVICES=1000000 SCENARIO=localtime bench/notificationapi/run.sh      SCENARIO=cancel bench/notificationapi/run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/bench/common.sh"
devices=${DEVICES:-100000}
start_pushboard notificationapi
api_pid=$(pgrep -g "${pids[4]}" -f "NotificationApi.dll" | head -1)
scenario=${SCENARIO:-broadcast}
# Only the broadcasts print allocations: the counters' session costs the processes it watches CPU (≈ 36 ms a second in
# NotificationApi, 11 in DeviceApi, busy or idle) and memory, which the other scenarios' per-delivery CPU and RSS would
# count.
if [[ $scenario == broadcast ]]; then
  watch_allocations NotificationApi "$api_pid"
  watch_allocations DeviceApi "$(pgrep -g "${pids[3]}" -f "DeviceApi.dll" | head -1)"
fi
names=(postgres redis-server FcmEmulator DeviceApi NotificationApi)

zone="NULL"
[[ $scenario == localtime ]] && zone="CASE n % 2 WHEN 0 THEN 'Asia/Kolkata' ELSE 'Asia/Kathmandu' END"
platform="'android'" locale=NULL app_version=NULL tags="'{}'"
if [[ $scenario == segment ]]; then
  platform="(ARRAY['android', 'ios', 'web'])[n % 3 + 1]"
  locale="(ARRAY['en-US', 'en-GB', 'de-DE', 'fr-FR', 'es-ES', 'pt-BR', 'ja-JP', 'ko-KR', 'ko', 'kok-IN', 'hi-IN', 'zh-CN'])[n / 3 % 12 + 1]"
  app_version="CASE WHEN n % 100 = 99 THEN NULL ELSE format('3.%s.%s', n / 7 % 13, n % 5) END"
  tags="CASE WHEN n % 10 = 0 THEN '{\"plan\": \"pro\"}' WHEN n % 10 < 7 THEN '{\"plan\": \"free\"}' ELSE '{}' END"
fi
echo "seeding $devices devices..."
"$pg_bin/psql" -q -h 127.0.0.1 -p "$pg_port" -U postgres -d devicesdb \
  -c "INSERT INTO devices (device_id, fcm_token, platform, locale, app_version, tags, status, created_at, updated_at, token_updated_at, last_seen_at, time_zone)
      SELECT format('bench-%s', lpad(n::text, 7, '0')), format('bench-token-%s:APA91bHun4MxP5egoKMwt2KZFBaFUH', n),
             $platform, $locale, $app_version, ($tags)::jsonb, 'active', now(), now(), now(), now(), $zone FROM generate_series(1, $devices) AS n" -c "VACUUM ANALYZE devices"
notifications_sql() { "$pg_bin/psql" -q -h 127.0.0.1 -p "$pg_port" -U postgres -d notificationsdb "$@"; }

# An ended notification 91 days old with $1 sent deliveries, for retention to delete.
store_old_notification() {
  "$pg_bin/psql" -q -h 127.0.0.1 -p "$pg_port" -U postgres -d notificationsdb <<SQL
WITH old AS (
  INSERT INTO notifications (id, status, created_at, updated_at, resolved_at, completed_at, queued_through_delivery_id, target, message)
  VALUES (gen_random_uuid(), 'completed', now() - interval '92 days', now() - interval '91 days', now() - interval '92 days',
          now() - interval '91 days', 0, '{"all": true}', '{}')
  RETURNING id),
counts AS (
  INSERT INTO delivery_counts (notification_id, shard, targeted, pending, sent, failed, invalid_token, updated_at)
  SELECT id, 0, $1, 0, $1, 0, 0, now() - interval '91 days' FROM old)
INSERT INTO deliveries (notification_id, device_id, token, status, fcm_message_id, attempts, updated_at)
SELECT old.id, format('bench-%s', lpad(n::text, 7, '0')), format('bench-token-%s', n), 'sent', 'projects/p/messages/1', 1,
       now() - interval '91 days'
FROM old, generate_series(1, $1) AS n;
VACUUM ANALYZE deliveries;
CHECKPOINT;
SQL
}

post_notification() { # body -> id
  curl -sf -H "X-Api-Key: $admin_key" -H 'Content-Type: application/json' -d "$1" \
    "http://127.0.0.1:$api_port/api/notifications" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}
get_notification() { curl -sf -H "X-Api-Key: $admin_key" "http://127.0.0.1:$api_port/api/notifications/$1"; }
field() { python3 -c 'import json,sys; print(eval("n" + sys.argv[2], {"n": json.loads(sys.argv[1])}))' "$1" "$2"; }

broadcast() {
(( ${OLD_DELIVERIES:-0} > 0 )) && store_old_notification "$OLD_DELIVERIES"
[[ ${#counter_pids[@]} -gt 0 ]] && sleep 2.5
allocated_before=("$(allocated_bytes NotificationApi)" "$(allocated_bytes DeviceApi)")
pg_statements_reset
read -ra cpu_before <<<"$(cpu_seconds)"
id=$(post_notification '{"target":{"all":true},"notification":{"title":"Benchmark","body":"Hello"},"data":{"run":"bench-'"$1"'"}}')
while true; do
  notification=$(curl -sf -H "X-Api-Key: $admin_key" "http://127.0.0.1:$api_port/api/notifications/$id")
  status=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["status"])' "$notification")
  [[ $status == completed || $status == failed ]] && break
  python3 -c 'import json,sys; c = json.loads(sys.argv[1])["counts"]; print("  targeted %8d  sent %8d  pending %8d" % (c["targeted"], c["sent"], c["pending"]))' "$notification"
  sleep 1
done
read -ra cpu_after <<<"$(cpu_seconds)"
python3 - "$notification" "$devices" <<'PY'
import json, sys
from datetime import datetime
n = json.loads(sys.argv[1]); devices = int(sys.argv[2])
parse = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))
seconds = (parse(n["completedAt"]) - parse(n["createdAt"])).total_seconds()
c = n["counts"]
print(f"status {n['status']}: targeted {c['targeted']}, sent {c['sent']}, failed {c['failed']}, pending {c['pending']}")
print(f"POST to completed: {seconds:.1f} s; {c['sent'] / seconds:,.0f} deliveries/s")
PY
echo "CPU per delivery, POST to completed (2 cores = 200 µs at 10,000 deliveries/s):"
python3 - "$devices" "${names[*]}" "${cpu_before[*]}" "${cpu_after[*]}" <<'PY'
import sys
devices = int(sys.argv[1]); names = sys.argv[2].split()
used = [after - before for before, after in zip(map(float, sys.argv[3].split()), map(float, sys.argv[4].split()))]
for name, seconds in zip(names + ["total"], used + [sum(used)]):
    print(f"  {name:<16} {seconds * 1e6 / devices:6.0f} µs  ({seconds:.1f} CPU s)")
PY
if [[ ${#counter_pids[@]} -gt 0 ]]; then
  sleep 2.5
  echo "allocated per delivery: NotificationApi $(( ($(allocated_bytes NotificationApi) - allocated_before[0]) / devices )) B," \
    "DeviceApi $(( ($(allocated_bytes DeviceApi) - allocated_before[1]) / devices )) B"
fi
pg_statements_top "$devices"
}

local_time() {
  local at id notification status
  at=$(TZ=Asia/Kathmandu date -d "+${LOCAL_TIME_AHEAD:-4} minutes" +%H:%M)
  echo "localTime $at to $devices devices (half Asia/Kathmandu, half Asia/Kolkata)..."
  read -ra cpu_before <<<"$(cpu_seconds)"
  id=$(post_notification '{"target":{"all":true},"notification":{"title":"Good morning"},"localTime":"'"$at"'"}')
  while true; do
    notification=$(get_notification "$id")
    status=$(field "$notification" '["status"]')
    [[ $status == completed || $status == failed ]] && break
    echo "  $(date -u +%H:%M:%S) $status $(field "$notification" '["counts"]')"
    sleep 10
  done
  read -ra cpu_after <<<"$(cpu_seconds)"
  echo "status $status; per moment (UTC): deliveries, sent, last sent after the moment:"
  notifications_sql -c "SELECT scheduled_for, count(*) AS deliveries, count(*) FILTER (WHERE status = 'sent') AS sent,
      max(updated_at) - scheduled_for AS last_sent_after FROM deliveries WHERE notification_id = '$id' GROUP BY scheduled_for ORDER BY 1"
  python3 - "$devices" "${names[*]}" "${cpu_before[*]}" "${cpu_after[*]}" <<'PY'
import sys
devices = int(sys.argv[1]); names = sys.argv[2].split()
used = [after - before for before, after in zip(map(float, sys.argv[3].split()), map(float, sys.argv[4].split()))]
print("CPU per delivery, POST to completed (waiting included): " + ", ".join(
    f"{name} {seconds * 1e6 / devices:.0f} µs" for name, seconds in zip(names + ["total"], used + [sum(used)])))
PY
}

cancel_broadcast() {
  local id notification accepted_at_answer sent_at_answer after=${CANCEL_AFTER:-$((devices / 3))}
  curl -sf -X DELETE "http://127.0.0.1:$emulator_port/emulator/messages"
  id=$(post_notification '{"target":{"all":true},"notification":{"title":"Canceled"},"data":{"run":"cancel"}}')
  echo "broadcast to $devices devices, canceled once $after were sent..."
  until (( $(field "$(get_notification "$id")" '["counts"]["sent"]') >= after )); do sleep 0.1; done
  notification=$(curl -sf -X POST -H "X-Api-Key: $admin_key" "http://127.0.0.1:$api_port/api/notifications/$id/cancel")
  accepted_at_answer=$(field "$(curl -sf "http://127.0.0.1:$emulator_port/emulator/stats")" '["accepted"]')
  sent_at_answer=$(field "$notification" '["counts"]["sent"]')
  until (( $(field "$(get_notification "$id")" '["counts"]["pending"]') == 0 )); do sleep 0.5; done
  sleep 2
  notification=$(get_notification "$id")
  echo "status $(field "$notification" '["status"]'): $(field "$notification" '["counts"]')"
  echo "sent after NotificationApi received the cancel (recorded after its completedAt):" \
    "$(notifications_sql -tA -c "SELECT count(*) FROM deliveries d JOIN notifications n ON n.id = d.notification_id
         WHERE n.id = '$id' AND d.status = 'sent' AND d.updated_at > n.completed_at")"
  echo "sent counted in the cancel's answer: $sent_at_answer; accepted by the emulator after the answer:" \
    "$(( $(field "$(curl -sf "http://127.0.0.1:$emulator_port/emulator/stats")" '["accepted"]') - accepted_at_answer ))"
}

pro_segment='{"tags":{"plan":"pro"}}'
compound_segment='{"platform":["ios"],"locale":["ko"],"appVersion":{"min":"3.10"}}'

count_calls() { # segment -> p50/p95 of COUNT_CALLS calls to POST /api/devices/count
  python3 - "http://127.0.0.1:$devices_port/api/devices/count" "$admin_key" "$1" "${COUNT_CALLS:-200}" <<'PY'
import json, sys, time, urllib.request
url, key, segment, calls = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
body = json.dumps({"segment": json.loads(segment)}).encode()
seconds = []
for _ in range(calls):
    request = urllib.request.Request(url, body, {"X-Api-Key": key, "Content-Type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request) as response:
        count = json.load(response)["count"]
    seconds.append(time.perf_counter() - started)
seconds.sort()
at = lambda q: seconds[min(len(seconds) - 1, int(q * len(seconds)))] * 1000
print(f"  count {segment}: {count:,} devices; {calls} calls p50 {at(0.5):.1f} ms, p95 {at(0.95):.1f} ms, max {seconds[-1] * 1000:.1f} ms")
PY
}

send_and_measure() { # label, target JSON: sends it and prints POST to completed and the CPU per delivery of each process
  local id notification status
  # Outside the measured time: what the previous send left to autovacuum, so that no send pays for another's. (Not a
  # CHECKPOINT: after one, the first change to each index page writes the whole page to the WAL, and a segment's
  # deliveries touch a leaf of IX_deliveries_device_id_id each: 3,100 WAL bytes per delivery instead of 600.)
  notifications_sql -c "VACUUM ANALYZE"
  pg_statements_reset
  read -ra cpu_before <<<"$(cpu_seconds)"
  id=$(post_notification '{"target":'"$2"',"notification":{"title":"Benchmark","body":"Hello"},"data":{"run":"'"$1"'"}}')
  while true; do
    notification=$(get_notification "$id")
    status=$(field "$notification" '["status"]')
    [[ $status == completed || $status == failed ]] && break
    sleep 0.2
  done
  read -ra cpu_after <<<"$(cpu_seconds)"
  python3 - "$1" "$notification" "${names[*]}" "${cpu_before[*]}" "${cpu_after[*]}" <<'PY'
import json, sys
from datetime import datetime
label, n, names = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3].split()
parse = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))
seconds = (parse(n["completedAt"]) - parse(n["createdAt"])).total_seconds()
c = n["counts"]
used = [after - before for before, after in zip(map(float, sys.argv[4].split()), map(float, sys.argv[5].split()))]
print(f"  {label}: {n['status']}, {c['sent']:,} of {c['targeted']:,} sent in {seconds:.1f} s; CPU per delivery: " + ", ".join(
    f"{name} {spent * 1e6 / max(c['targeted'], 1):.0f} µs" for name, spent in zip(names + ["total"], used + [sum(used)])))
PY
  pg_statements_top "$(field "$notification" '["counts"]["targeted"]')"
}

segments() {
  # Whether the device table and its indexes fit in Postgres's own cache decides what a sparse segment's pages cost.
  "$pg_bin/psql" -tA -h 127.0.0.1 -p "$pg_port" -U postgres -d devicesdb -c "SELECT format('devices: table %s, indexes %s; shared_buffers %s',
    pg_size_pretty(pg_table_size('devices')), pg_size_pretty(pg_indexes_size('devices')), current_setting('shared_buffers'))"
  echo "POST /api/devices/count:"
  count_calls "$pro_segment"
  count_calls "$compound_segment"
  echo "sends (the first warms the services up):"
  send_and_measure warm-up '{"segment":'"$pro_segment"'}'
  send_and_measure broadcast '{"all":true}'
  send_and_measure "plan pro" '{"segment":'"$pro_segment"'}'
  send_and_measure "ios ko >=3.10" '{"segment":'"$compound_segment"'}'
}

# What the process holds before its first send (code, runtime, idle heap): the floor under the peak below.
echo "NotificationApi RSS before sending: $(awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' "/proc/$api_pid/status")"
case $scenario in
  segment) segments ;;
  localtime) local_time ;;
  cancel) cancel_broadcast ;;
  *)
    for run in $(seq "${BROADCASTS:-3}"); do
      echo "broadcast $run to $devices devices..."
      broadcast "$run"
    done ;;
esac
(( ${OLD_DELIVERIES:-0} > 0 )) && echo "deliveries left (old ones not yet deleted): $("$pg_bin/psql" -tA -h 127.0.0.1 -p "$pg_port" -U postgres -d notificationsdb -c "SELECT count(*) FROM deliveries")"
echo "NotificationApi peak RSS: $(awk '/VmHWM/ {printf "%.0f MB", $2 / 1024}' "/proc/$api_pid/status")"
echo "emulator: $(curl -sf "http://127.0.0.1:$emulator_port/emulator/stats")"
