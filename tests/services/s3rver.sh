# Sourced by test.sh: a private S3-compatible server (s3rver, from npm) for the S3 blob store tests, on loopback,
# with its data in a temp directory. s3rver_start exports ROOST_TEST_S3 (its http:// endpoint; credentials
# S3RVER/S3RVER, path-style); s3rver_stop stops it by PID and removes the data. The npm package is installed once
# into the user's cache. s3rver stores aws-chunked framing as data, so the tests turn chunk encoding off.

S3RVER_VERSION="3.7.1"

s3rver_install() {
  S3RVER_HOME="${XDG_CACHE_HOME:-$HOME/.cache}/roost-test-s3rver"
  if [ -f "$S3RVER_HOME/node_modules/s3rver/package.json" ] &&
    grep -q "\"version\": \"$S3RVER_VERSION\"" "$S3RVER_HOME/node_modules/s3rver/package.json"; then
    return
  fi
  if ! command -v npm >/dev/null 2>&1; then
    echo "test.sh: node and npm are required for the S3 tests (s3rver)" >&2
    return 1
  fi
  echo "test.sh: installing s3rver@$S3RVER_VERSION from npm for the S3 tests"
  mkdir -p "$S3RVER_HOME"
  npm install --no-audit --no-fund --prefix "$S3RVER_HOME" "s3rver@$S3RVER_VERSION" >/dev/null
}

s3rver_port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

s3rver_free_port() {
  local port
  for port in $(seq 22000 22999); do
    if s3rver_port_free "$port"; then echo "$port"; return; fi
  done
  echo "test.sh: no free loopback port in 22000-22999 for s3rver" >&2
  return 1
}

s3rver_start() {
  s3rver_install
  S3RVER_DIR="$(mktemp -d /tmp/roost-s3.XXXXXX)"
  local port
  port="$(s3rver_free_port)"
  node "$S3RVER_HOME/node_modules/.bin/s3rver" -d "$S3RVER_DIR" -a 127.0.0.1 -p "$port" --silent \
    >"$S3RVER_DIR.log" 2>&1 &
  S3RVER_PID=$!
  # Bounded: at most 10 s (100 checks 0.1 s apart); it is usually up in under half a second.
  for _ in $(seq 1 100); do
    if ! s3rver_port_free "$port"; then
      export ROOST_TEST_S3="http://127.0.0.1:$port"
      echo "test.sh: s3rver $S3RVER_VERSION on 127.0.0.1:$port"
      return 0
    fi
    if ! kill -0 "$S3RVER_PID" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "test.sh: s3rver did not start on port $port" >&2
  cat "$S3RVER_DIR.log" >&2 || true
  s3rver_stop
  return 1
}

s3rver_stop() {
  if [ -n "${S3RVER_PID:-}" ]; then
    kill "$S3RVER_PID" 2>/dev/null || true
    wait "$S3RVER_PID" 2>/dev/null || true
    S3RVER_PID=""
  fi
  if [ -n "${S3RVER_DIR:-}" ]; then
    rm -rf "$S3RVER_DIR" "$S3RVER_DIR.log"
    S3RVER_DIR=""
  fi
}
