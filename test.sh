#!/usr/bin/env bash
# The one test command (CI's .ci/run calls exactly this): restore, build with warnings as errors, run every test.
# Works on a fresh Debian machine with the .NET 10 SDK: it installs what the tests need (Debian's Chromium for the
# browser tests, Debian's postgresql, rabbitmq-server and openssl, s3rver from npm), starts a private PostgreSQL and a
# private RabbitMQ node on loopback, each with TLS from a throwaway CA, and a private s3rver (an S3-compatible server
# for the S3 blob store tests, plain HTTP on loopback), and Debian's nginx binary for the X-Accel-Redirect test (run
# by that test itself), and stops and removes them afterwards, even when tests fail.
# The store contract suites and the bus suite run on both engines and both buses in the first pass; the
# whole-instance server tests run once per engine (the cross-node ones on postgres, over both buses).
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET 10 SDK is required (no 'dotnet' on PATH)" >&2
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# The web client's tests drive Debian's Chromium (Playwright never downloads a browser here).
if ! command -v chromium >/dev/null 2>&1; then
  echo "test.sh: installing Debian's chromium for the browser tests"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
fi
export ROOST_CHROMIUM="${ROOST_CHROMIUM:-$(command -v chromium)}"

results="$(mktemp -d)"
source tests/services/postgres.sh
source tests/services/rabbitmq.sh
source tests/services/s3rver.sh
source tests/services/nginx.sh
cleanup() {
  postgres_stop
  rabbitmq_stop
  s3rver_stop
  rm -rf "$results"
}
trap cleanup EXIT
postgres_start
rabbitmq_start
s3rver_start
nginx_install

dotnet restore Roost.slnx
dotnet build Roost.slnx --no-restore

status=0
# A hung test fails the run after 5 minutes instead of eating CI's time limit.
echo "test.sh: every test project; whole-instance tests on sqlite, store contracts on sqlite and postgres"
ROOST_TEST_ENGINE=sqlite dotnet test Roost.slnx --no-build --blame-hang-timeout 5m 2>&1 | tee "$results/test.log" || status=$?
echo "test.sh: the whole-instance server tests again, on postgres"
ROOST_TEST_ENGINE=postgres dotnet test tests/Roost.Server.Tests --no-build --blame-hang-timeout 5m 2>&1 | tee -a "$results/test.log" || status=$?

# One summary line for the whole suite, from each test assembly's "Passed!/Failed!  - Failed: N, Passed: N" line.
passed=0
failed=0
while read -r f p; do
  passed=$((passed + p))
  failed=$((failed + f))
done < <(sed -n 's/.*\(Passed\|Failed\)! *- *Failed: *\([0-9]*\), *Passed: *\([0-9]*\),.*/\2 \3/p' "$results/test.log")

if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then
  echo "test.sh: no test ran" >&2
  status=1
fi

echo "${passed} passed, ${failed} failed"
exit "$status"
