#!/usr/bin/env bash
# Latency of the console's stats endpoints over a large history: seeds DELIVERIES (default 10,000,000) delivery rows
# spread over 30 days, RECENT (default 1,000,000) of them in the last 24 h, with their outcome rollups and delivery
# counts (as the sending statements write them: every minute's outcomes spread over all 16 shards), 20 notifications
# in progress, and DEVICES (default 1,000,000) devices with 60 days of daily rollups; then calls
# GET /api/deliveries/stats?window=1h, ?window=24h, GET /api/notifications/active and GET /api/devices/stats CALLS
# (default 200) times each, one after the other on one keep-alive connection after 10 calls not counted (the JIT),
# and prints p50, p95 and max.
# The services run as in bench/notificationapi/run.sh (Release, directly, no Aspire proxy).
# Usage: bench/stats/run.sh            DELIVERIES=1000000 RECENT=100000 DEVICES=100000 bench/stats/run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/bench/common.sh"
deliveries=${DELIVERIES:-10000000}
recent=${RECENT:-1000000}
devices=${DEVICES:-1000000}
calls=${CALLS:-200}
start_pushboard stats
psql_on() { "$pg_bin/psql" -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres -d "$1" "${@:2}"; }

echo "seeding $deliveries deliveries ($recent in the last 24 h) and their rollups..."
started=$SECONDS
psql_on notificationsdb <<SQL
-- 1,000 ended notifications of equal size; the recent ones end in the last 24 h, the others over the 29 days before.
CREATE TEMP TABLE seed AS
SELECT gen_random_uuid() AS id, n,
       CASE WHEN n <= 1000 * $recent / $deliveries THEN now() - (n::float / (1000 * $recent / $deliveries)) * interval '24 hours'
            ELSE now() - interval '24 hours' - random() * interval '29 days' END AS at
FROM generate_series(1, 1000) AS n;
INSERT INTO notifications (id, status, created_at, updated_at, resolved_at, completed_at, queued_through_delivery_id, target, message)
SELECT id, 'completed', at, at, at, at, 0, '{"all": true}', '{}' FROM seed;
-- Each notification's deliveries end over the 10 minutes after it: 97 % sent, 2 % invalid tokens, 1 % failed.
INSERT INTO deliveries (notification_id, device_id, token, status, fcm_message_id, error, attempts, updated_at)
SELECT seed.id, format('bench-%s', lpad(d::text, 7, '0')), format('bench-token-%s', d),
       CASE WHEN d % 100 < 97 THEN 'sent' WHEN d % 100 < 99 THEN 'invalid_token' ELSE 'failed' END,
       CASE WHEN d % 100 < 97 THEN 'projects/p/messages/1' END,
       CASE WHEN d % 100 < 97 THEN NULL WHEN d % 100 = 97 THEN 'UNREGISTERED' WHEN d % 100 = 98 THEN 'INVALID_ARGUMENT'
            WHEN d % 200 = 99 THEN 'device_not_found' ELSE 'INTERNAL' END,
       1, seed.at + (d::float / ($deliveries / 1000)) * interval '10 minutes'
FROM seed, generate_series(1, $deliveries / 1000) AS d;
INSERT INTO delivery_outcomes (minute, outcome, error, shard, count)
SELECT date_trunc('minute', updated_at), status, coalesce(error, ''), (id % 16)::smallint, count(*)
FROM deliveries GROUP BY 1, 2, 3, 4;
INSERT INTO delivery_counts (notification_id, shard, targeted, pending, sent, failed, invalid_token, updated_at)
SELECT notification_id, (id % 16)::smallint, count(*), 0, count(*) FILTER (WHERE status = 'sent'),
       count(*) FILTER (WHERE status = 'failed'), count(*) FILTER (WHERE status = 'invalid_token'), max(updated_at)
FROM deliveries GROUP BY 1, 2;
-- 20 notifications in progress, with counts in every shard.
WITH sending AS (
  INSERT INTO notifications (id, status, created_at, updated_at, queued_through_delivery_id, target, message)
  SELECT gen_random_uuid(), 'sending', now() - n * interval '1 second', now(), 0, '{"all": true}', '{}' FROM generate_series(1, 20) AS n
  RETURNING id)
INSERT INTO delivery_counts (notification_id, shard, targeted, pending, sent, failed, invalid_token, updated_at,
                             rate_minute, final_this_minute, final_last_minute)
SELECT id, s, 10000, 5000, 5000, 0, 0, now(), date_trunc('minute', now()), 100, 600 FROM sending, generate_series(0, 15) AS s;
VACUUM ANALYZE;
SQL
echo "  $(psql_on notificationsdb -tA -c "SELECT count(*) FROM deliveries") deliveries, $(psql_on notificationsdb -tA -c "SELECT count(*) FROM delivery_outcomes") rollup rows ($((SECONDS - started)) s)"

echo "seeding $devices devices and their daily rollups..."
psql_on devicesdb <<SQL
INSERT INTO devices (device_id, fcm_token, platform, status, invalid_reason, created_at, updated_at, token_updated_at, last_seen_at)
SELECT format('bench-%s', lpad(n::text, 7, '0')), format('bench-token-%s:APA91bHun4MxP5egoKMwt2KZFBaFUH', n),
       (ARRAY['android', 'ios', 'web'])[1 + n % 3], CASE WHEN n % 20 = 0 THEN 'invalid' ELSE 'active' END,
       CASE WHEN n % 20 = 0 THEN 'unregistered' END, now(), now(), now(), now()
FROM generate_series(1, $devices) AS n;
INSERT INTO device_daily_counts (day, shard, registrations, token_refreshes, invalidations)
SELECT current_date - d, s, 1000, 5000, 50 FROM generate_series(0, 59) AS d, generate_series(0, 7) AS s;
VACUUM ANALYZE;
SQL

echo "$calls calls each (ms):"
python3 - "$calls" "$admin_key" "$api_port" "$devices_port" <<'PY'
import http.client, sys, time
calls, key, api_port, devices_port = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
for port, path in [(api_port, "/api/deliveries/stats?window=1h"), (api_port, "/api/deliveries/stats?window=24h"),
                   (api_port, "/api/notifications/active"), (devices_port, "/api/devices/stats")]:
    connection = http.client.HTTPConnection("127.0.0.1", port)
    times = []
    for call in range(-10, calls):
        started = time.perf_counter()
        connection.request("GET", path, headers={"X-Api-Key": key})
        response = connection.getresponse()
        body = response.read()
        if call >= 0:
            times.append((time.perf_counter() - started) * 1000)
        assert response.status == 200, (path, response.status, body[:300])
    times.sort()
    pick = lambda q: times[min(len(times) - 1, int(q * len(times)))]
    print(f"  {path:<36} p50 {pick(0.5):7.1f}  p95 {pick(0.95):7.1f}  max {times[-1]:7.1f}  ({len(body)} bytes)")
PY
