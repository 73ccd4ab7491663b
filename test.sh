#!/usr/bin/env bash
# Runs every Pushboard test against real Postgres, Redis, the FCM emulator and Chromium started by the tests, then
# the short soak run (bench/soak.sh, counted as one test), and prints one line: "tests: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"
eng/install-prerequisites.sh test

results="$PWD/TestResults"
rm -rf "$results"
mkdir -p "$results"
# The browser tests save a screenshot of each console page here (a test artifact, not committed).
export PUSHBOARD_SCREENSHOTS="$results/screenshots"

dotnet build Aspire.sln -c Debug -nologo -clp:ErrorsOnly

status=0
# One test project at a time: each starts the AppHost, and the machine has two cores.
while IFS= read -r project; do
  name=$(basename "$project" .csproj)
  echo "== $name"
  dotnet test "$project" --no-build -c Debug -nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
    --results-directory "$results" || status=1
done < <(find tests -name '*Tests.csproj' | sort)

passed=0
failed=0
for trx in "$results"/*.trx; do
  [[ -e "$trx" ]] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  passed=$((passed + $(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters")))
  failed=$((failed + $(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$counters")))
done

# The short soak (bench/soak.sh) on the build above: one more test, failed when any of its checks failed.
echo "== soak (3 minutes)"
soak_failed=0
if SOAK_MINUTES=3 SOAK_BROADCAST_DEVICES=20000 SOAK_BUILD=Debug bench/soak.sh; then
  passed=$((passed + 1))
else
  soak_failed=1
  failed=$((failed + 1))
  status=1
fi

if ((failed > 0)); then
  echo "failed tests:"
  python3 eng/failed-tests.py "$results"/*.trx || true
  if ((soak_failed)); then echo "  bench/soak.sh (short mode)"; fi
fi
echo "tests: $passed passed, $failed failed"
if ((failed > 0 || passed == 0)); then status=1; fi
exit $status
