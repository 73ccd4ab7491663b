#!/usr/bin/env bash
# Measures how long `./run.sh` (local mode) takes from launch until every service answers /health 200,
# then stops the AppHost with SIGTERM and checks that no postgres/redis-server it started is left.
# Usage: bench/startup.sh [runs]   (build first: dotnet build Aspire.sln)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
urls=(http://localhost:5100/health http://localhost:5101/health http://localhost:5102/health http://localhost:5199/health http://localhost:18888)

for run in $(seq "$runs"); do
  start=$(date +%s.%N)
  setsid dotnet run --project AppHost --no-build >"/tmp/pushboard-startup-$run.log" 2>&1 &
  pid=$!
  for _ in $(seq 600); do
    ok=0
    for url in "${urls[@]}"; do
      code=$(curl -s -o /dev/null -w '%{http_code}' -m 2 "$url" || true)
      [[ $code == 200 ]] && ok=$((ok + 1))
    done
    ((ok == ${#urls[@]})) && break
    sleep 0.25
  done
  ready=$(date +%s.%N)
  printf 'run %d: every resource healthy after %.1f s\n' "$run" "$(echo "$ready - $start" | bc)"
  kill -TERM -- "-$pid"
  for _ in $(seq 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  sleep 2
  if pgrep -f "postgres -D $PWD/.data" >/dev/null || pgrep -f "redis-server 127.0.0.1:6380" >/dev/null; then
    echo "run $run: orphaned postgres/redis-server after stop" >&2
    exit 1
  fi
  echo "run $run: stopped cleanly, no orphaned postgres/redis-server"
done
