#!/usr/bin/env bash
# Measures how long `./run.sh Infrastructure:Mode=local` takes from launch until every service answers /health 200,
# then stops the AppHost with SIGTERM and checks that no postgres/redis-server it started is left. Exits 1 when the
# resources are not all healthy within STARTUP_TIMEOUT seconds (default 150).
# Usage: bench/startup.sh [runs]   (build first: dotnet build Aspire.sln)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
timeout=${STARTUP_TIMEOUT:-150}
urls=(http://localhost:5100/health http://localhost:5101/health http://localhost:5102/health http://localhost:5199/health http://localhost:18888)

# Stops the run's AppHost and waits up to 60 s for it and the executables DCP stops after it; false if any is left.
stop_apphost() {
  kill -TERM -- "-$1" 2>/dev/null || true
  # DCP stops the executables it started after the AppHost has gone.
  for _ in $(seq 240); do
    pgrep -g "$1" >/dev/null || pgrep -f "postgres -D $PWD/.data" >/dev/null || pgrep -f "redis-server 127.0.0.1:6380" >/dev/null || break
    sleep 0.25
  done
  ! pgrep -f "postgres -D $PWD/.data" >/dev/null && ! pgrep -f "redis-server 127.0.0.1:6380" >/dev/null
}

for run in $(seq "$runs"); do
  start=$(date +%s.%N)
  # The figure in the README is local mode's, whatever a container runtime or the user secrets would choose.
  setsid dotnet run --project AppHost --no-build -- Infrastructure:Mode=local >"/tmp/pushboard-startup-$run.log" 2>&1 &
  pid=$!
  deadline=$((SECONDS + timeout))
  while :; do
    ok=0
    for url in "${urls[@]}"; do
      code=$(curl -s -o /dev/null -w '%{http_code}' -m 2 "$url" || true)
      # The dashboard answers with a redirect to its login page.
      [[ $code == 200 || $code == 302 ]] && ok=$((ok + 1))
    done
    ((ok == ${#urls[@]})) && break
    if ((SECONDS >= deadline)); then
      echo "run $run: $ok of ${#urls[@]} resources healthy after $timeout s (log: /tmp/pushboard-startup-$run.log)" >&2
      stop_apphost "$pid" || true
      exit 1
    fi
    sleep 0.25
  done
  ready=$(date +%s.%N)
  printf 'run %d: every resource healthy after %.1f s\n' "$run" "$(echo "$ready - $start" | bc)"
  stop_start=$(date +%s.%N)
  if ! stop_apphost "$pid"; then
    echo "run $run: postgres/redis-server still running 60 s after SIGTERM" >&2
    exit 1
  fi
  printf 'run %d: stopped cleanly, every process (postgres and redis-server included) gone %.1f s after SIGTERM\n' "$run" "$(echo "$(date +%s.%N) - $stop_start" | bc)"
done
