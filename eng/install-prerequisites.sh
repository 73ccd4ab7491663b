#!/usr/bin/env bash
# Installs the Debian packages Pushboard's local mode and tests need, when missing:
# redis-server (local mode), postgresql-15 (local mode), chromium (browser tests), wrk (benchmarks), and what the
# short soak run in test.sh uses (redis-cli, python3, openssl, curl).
# Usage: eng/install-prerequisites.sh [package-set...]   sets: run (default), test, bench
set -euo pipefail

sets=("${@:-run}")
wanted=()
need() { command -v "$1" >/dev/null 2>&1 || [[ -x "$2" ]] || wanted+=("$3"); }

for set in "${sets[@]}"; do
  case "$set" in
    run)
      need redis-server /usr/bin/redis-server redis-server
      need postgres /usr/lib/postgresql/15/bin/postgres postgresql-15 ;;
    test)
      need redis-server /usr/bin/redis-server redis-server
      need postgres /usr/lib/postgresql/15/bin/postgres postgresql-15
      need chromium /usr/bin/chromium chromium
      # The short soak run (bench/soak.sh) in test.sh.
      need redis-cli /usr/bin/redis-cli redis-tools
      need python3 /usr/bin/python3 python3
      need openssl /usr/bin/openssl openssl
      need curl /usr/bin/curl curl ;;
    bench)
      need redis-server /usr/bin/redis-server redis-server
      need postgres /usr/lib/postgresql/15/bin/postgres postgresql-15
      need wrk /usr/bin/wrk wrk ;;
    *) echo "unknown package set '$set' (run, test, bench)" >&2; exit 2 ;;
  esac
done

if ((${#wanted[@]} == 0)); then
  exit 0
fi

sudo=()
if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi
mapfile -t unique < <(printf '%s\n' "${wanted[@]}" | sort -u)
echo "installing: ${unique[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${unique[@]}" >/dev/null
# The Debian package starts a system redis on 6379; Pushboard runs its own, so the system one is not needed.
if command -v systemctl >/dev/null 2>&1; then "${sudo[@]}" systemctl disable --now redis-server >/dev/null 2>&1 || true; fi
