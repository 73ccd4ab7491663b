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

# A counter of a .trx file's summary, 0 when absent.
counter() { grep -o '<Counters [^>]*>' "$1" | sed -nE "s/.* $2=\"([0-9]+)\".*/\\1/p" | grep . || echo 0; }

status=0
passed=0
failed=0
crashed=()
# One test project at a time: each starts the AppHost, and the machine has two cores.
while IFS= read -r project; do
  name=$(basename "$project" .csproj)
  trx="$results/$name.trx"
  echo "== $name"
  run_status=0
  dotnet test "$project" --no-build -c Debug -nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
    --results-directory "$results" || run_status=1
  run_failed=0
  if [[ -e "$trx" ]]; then
    passed=$((passed + $(counter "$trx" passed)))
    # Every result neither passed nor skipped: failed, error, timeout, aborted, and the like.
    run_failed=$(python3 eng/failed-tests.py --count "$trx") || run_failed=0
  fi
  # A test host that crashed or was aborted reports no result for the tests it did not finish: the run counts as one.
  if ((run_status != 0 && run_failed == 0)); then
    run_failed=1
    crashed+=("$name")
  fi
  failed=$((failed + run_failed))
  ((run_status == 0)) || status=1
done < <(find tests -name '*Tests.csproj' | sort)

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
  for name in "${crashed[@]}"; do echo "  $name: the test run failed without a failed test (test host crashed or aborted; see its output above)"; done
  if ((soak_failed)); then echo "  bench/soak.sh (short mode)"; fi
fi
echo "tests: $passed passed, $failed failed"
if ((failed > 0 || passed == 0)); then status=1; fi
exit $status
