#!/usr/bin/env bash
# FcmEmulator throughput: wrk POSTs a valid FCM message with a bearer token from /token (Release build), over HTTP/1.1
# (wrk has no HTTP/2; NotificationApi sends over the emulator's HTTP/2 listener, see bench/notificationapi).
# Usage: bench/fcm-emulator/run.sh      DURATION=10s CONNECTIONS=64 bench/fcm-emulator/run.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/bench/common.sh"
work=$(mktemp -d /tmp/pushboard-bench-emulator-XXXXXX)
port=$(free_port)
trap 'kill -TERM -- "-$pid" 2>/dev/null || true; rm -rf "$work"' EXIT INT TERM

publish "$root/tests/FcmEmulator" "$work/app" "$work/build.log"
setsid env Logging__LogLevel__Default=Warning DOTNET_TC_CallCountingDelayMs=0 Emulator__Port="$port" Emulator__Http2Port="$(free_port)" \
  dotnet "$work/app/FcmEmulator.dll" >"$work/emulator.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/health" && break; sleep 0.2; done

assertion=$(python3 -c 'import base64, json, time
b = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()
now = int(time.time())
print(b({"alg": "RS256", "typ": "JWT"}) + "." + b({"iss": "bench@example.iam.gserviceaccount.com",
  "scope": "https://www.googleapis.com/auth/firebase.messaging", "aud": "token", "iat": now, "exp": now + 3600}) + ".sig")')
token=$(curl -sf -d "grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=$assertion" "http://127.0.0.1:$port/token" \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
cat >"$work/send.lua" <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $token"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"message":{"token":"bench-token-0123456789","notification":{"title":"Hello","body":"World"},"data":{"orderId":"1234"},"android":{"ttl":"3600s","priority":"HIGH"}}}'
LUA
wrk -t2 -c"${CONNECTIONS:-64}" -d"${DURATION:-10s}" --latency -s "$work/send.lua" "http://127.0.0.1:$port/v1/projects/bench/messages:send"
