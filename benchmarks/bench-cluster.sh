#!/usr/bin/env bash
# Starts N Release Roost nodes of one cluster for load tests, on one PostgreSQL database and one RabbitMQ, all pinned
# to CPU 0 (ROOST_BENCH_CPUS=0,1 spreads them; the load generator takes CPU 1), with the same cheap settings as
# bench-server.sh. Prints the nodes' URLs
# and pids (for --url and --server-pid) and waits; Ctrl-C stops them.
# Usage: ROOST_BENCH_POSTGRES='Host=…;Database=…' ROOST_BENCH_RABBITMQ='amqp://…' benchmarks/bench-cluster.sh N [first port]
# With N=1 and ROOST_BENCH_RABBITMQ empty, one node on PostgreSQL without a bus (the baseline).
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/bench-settings.sh
count="${1:-3}"
first="${2:-8091}"
: "${ROOST_BENCH_POSTGRES:?set ROOST_BENCH_POSTGRES to an Npgsql connection string of an empty database}"
dotnet build src/Roost.Server -c Release -v quiet -nologo >/dev/null
export ASPNETCORE_ENVIRONMENT=Development DOTNET_gcServer=0
key="$(openssl rand -base64 32)"
bus=()
if [ -n "${ROOST_BENCH_RABBITMQ:-}" ]; then
  bus=(--Roost:Cluster:Bus=RabbitMq "--Roost:Cluster:RabbitMq:Uri=$ROOST_BENCH_RABBITMQ")
fi
pids=()
urls=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT INT TERM
for i in $(seq 0 $((count - 1))); do
  port=$((first + i))
  data="$(mktemp -d /tmp/roost-bench-node.XXXXXX)"
  taskset -c "${ROOST_BENCH_CPUS:-0}" dotnet src/Roost.Server/bin/Release/net10.0/Roost.Server.dll \
    --Roost:Server:Urls="http://127.0.0.1:${port}" \
    --Roost:Storage:DataDirectory="$data" \
    --Roost:Storage:Engine=postgres \
    "--Roost:Storage:Postgres:ConnectionString=$ROOST_BENCH_POSTGRES" \
    "${bus[@]}" \
    --Roost:Cluster:NodeId="bench-$((i + 1))" \
    "--Roost:Identity:EncryptionKey=$key" \
    "${bench_settings[@]}" >"$data/out.log" 2>&1 &
  pids+=($!)
  urls+=("http://127.0.0.1:${port}")
done
for url in "${urls[@]}"; do
  for _ in $(seq 1 300); do
    if curl -fsS "$url/readyz" >/dev/null 2>&1; then break; fi
    sleep 0.1
  done
done
echo "url: $(IFS=,; echo "${urls[*]}")"
echo "pid: $(IFS=,; echo "${pids[*]}")"
wait
