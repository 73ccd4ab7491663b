#!/usr/bin/env bash
# Runs every Pushboard test against real Postgres, Redis, the FCM emulator and Chromium started by the tests,
# then prints one line: "tests: N passed, N failed".
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

if ((failed > 0)); then
  echo "failed tests:"
  python3 eng/failed-tests.py "$results"/*.trx || true
fi
echo "tests: $passed passed, $failed failed"
if ((failed > 0 || passed == 0)); then status=1; fi
exit $status
