#!/usr/bin/env bash
# Starts a Release Roost server for load tests: pinned to CPU 0 (the load generator takes CPU 1), cheap password
# hashing (the bench creates thousands of users; never do this in production), rate limits out of the way, and a
# fresh data folder. Usage: benchmarks/bench-server.sh [port] [extra --Roost:...=... settings]
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/bench-settings.sh
port="${1:-8090}"
shift || true
data="$(mktemp -d /tmp/roost-bench.XXXXXX)"
dotnet build src/Roost.Server -c Release -v quiet -nologo >/dev/null
echo "data: $data" >&2
export ASPNETCORE_ENVIRONMENT=Development DOTNET_gcServer=0
exec taskset -c 0 dotnet src/Roost.Server/bin/Release/net10.0/Roost.Server.dll \
  --Roost:Server:Urls="http://127.0.0.1:${port}" \
  --Roost:Storage:DataDirectory="$data" \
  "${bench_settings[@]}" \
  "$@"
