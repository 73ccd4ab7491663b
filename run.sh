#!/usr/bin/env bash
# Runs Pushboard: installs what local mode needs when missing, then starts the AppHost
# (dashboard http://localhost:18888, web http://localhost:5100, deviceapi :5101, notificationapi :5102).
set -euo pipefail
cd "$(dirname "$0")"
eng/install-prerequisites.sh run
exec dotnet run --project AppHost -- "$@"
