-- Reference: Postgres alone doing the single-row update behind a token refresh (no HTTP, no token ownership).
\set n random(1, 10000)
UPDATE devices SET fcm_token = 'pgbench-' || :client_id || '-' || random(), token_updated_at = now(), last_seen_at = now(), updated_at = now()
WHERE device_id = 'bench-device-' || lpad(:n::text, 5, '0');
