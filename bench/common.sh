# Shared by the benchmark scripts (sourced, not run).

# A free TCP port on loopback.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Runs a command as the postgres user when root (postgres refuses to run as root).
as_postgres() { if [[ $(id -u) == 0 ]]; then setpriv --reuid=postgres --regid=postgres --init-groups "$@"; else "$@"; fi; }

# Publishes a project as the container images are built: Release, linux-x64, ReadyToRun. Usage: publish PROJECT OUT LOG
publish() {
  dotnet publish "$1" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$2" --nologo -v quiet >"$3" \
    || { cat "$3"; exit 1; }
}

# Rate limits out of the way: one client on loopback plays every device and every caller (settings: docs/deviceapi.md).
unlimited_rates=(RateLimiting__PermitsPerSecond=1000000 RateLimiting__DevicePermitsPerSecond=1000000 RateLimiting__DeviceBurst=1000000
  RateLimiting__AppPutsPerMinute=60000000)
