# Sourced by test.sh: a private PostgreSQL cluster for the tests, on loopback, with TLS from a throwaway CA and a
# random password (scram-sha-256 on TCP and the socket: another local user cannot use the superuser).
# postgres_start exports ROOST_TEST_POSTGRES (an Npgsql connection string to the cluster's "postgres" database, as
# superuser "roost") and ROOST_TEST_POSTGRES_CA (the CA certificate that signed the server's certificate, for
# sslmode=verify-full); postgres_stop stops the cluster and removes it. Nothing is left running or on disk.

postgres_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/initdb" ]; then echo "$dir"; fi
  done | sort -V | tail -n 1
}

postgres_install() {
  if [ -n "$(postgres_bin)" ] && command -v openssl >/dev/null 2>&1; then return; fi
  echo "test.sh: installing Debian's postgresql and openssl for the PostgreSQL tests"
  local sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends postgresql openssl >/dev/null
  # Debian's package may start its own cluster on 5432 (where a service manager runs); the tests never use it.
}

# Runs a command as the cluster's owner: initdb refuses root, so root runs it as user postgres.
postgres_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

postgres_free_port() {
  local port
  for port in $(seq 15432 15531); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  echo "test.sh: no free loopback port in 15432-15531 for PostgreSQL" >&2
  return 1
}

postgres_make_certificates() {
  local dir="$1"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Roost test CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$dir/san.ext"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
    -extfile "$dir/san.ext" -out "$dir/server.crt" 2>/dev/null
  chmod 600 "$dir/server.key"
}

postgres_start() {
  postgres_install
  local bin
  bin="$(postgres_bin)"
  POSTGRES_DIR="$(mktemp -d /tmp/roost-pg.XXXXXX)"
  chmod 755 "$POSTGRES_DIR"
  postgres_make_certificates "$POSTGRES_DIR"
  local password
  password="$(openssl rand -hex 24)"
  printf '%s\n' "$password" >"$POSTGRES_DIR/password"
  chmod 600 "$POSTGRES_DIR/password"
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres: "$POSTGRES_DIR"; fi
  postgres_as_owner "$bin/initdb" -D "$POSTGRES_DIR/data" -U roost --auth=scram-sha-256 --pwfile="$POSTGRES_DIR/password" \
    -E UTF8 --locale=C.UTF-8 --no-sync >"$POSTGRES_DIR/initdb.log" 2>&1 || {
    cat "$POSTGRES_DIR/initdb.log" >&2
    return 1
  }
  local attempt port
  for attempt in 1 2 3; do
    port="$(postgres_free_port)"
    # fsync stays on: benchmarks and durability tests need a real commit; max_connections covers several stores per test.
    if postgres_as_owner "$bin/pg_ctl" -D "$POSTGRES_DIR/data" -l "$POSTGRES_DIR/log" -w -t 60 -o \
      "-p $port -k $POSTGRES_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c ssl=on -c ssl_cert_file=$POSTGRES_DIR/server.crt -c ssl_key_file=$POSTGRES_DIR/server.key" \
      start >/dev/null; then
      export ROOST_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=roost;Password=$password;Database=postgres"
      export ROOST_TEST_POSTGRES_CA="$POSTGRES_DIR/ca.crt"
      postgres_write_control "$bin" "$port"
      export ROOST_TEST_POSTGRES_CONTROL="$POSTGRES_DIR/control"
      echo "test.sh: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
      return 0
    fi
    echo "test.sh: PostgreSQL did not start on port $port (attempt $attempt)" >&2
    tail -n 5 "$POSTGRES_DIR/log" >&2 || true
  done
  return 1
}

# The control script the fault tests call: "stop" stops the cluster at once (as a crash or failover would), "start"
# starts it again with the same settings and waits until it accepts connections.
postgres_write_control() {
  local bin="$1" port="$2" run_as=""
  if [ "$(id -u)" -eq 0 ]; then run_as="runuser -u postgres --"; fi
  cat >"$POSTGRES_DIR/control" <<CONTROL
#!/usr/bin/env bash
set -euo pipefail
case "\${1:-}" in
  stop) $run_as "$bin/pg_ctl" -D "$POSTGRES_DIR/data" -m immediate -w stop >/dev/null ;;
  start) $run_as "$bin/pg_ctl" -D "$POSTGRES_DIR/data" -l "$POSTGRES_DIR/log" -w -t 60 -o \
      "-p $port -k $POSTGRES_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c ssl=on -c ssl_cert_file=$POSTGRES_DIR/server.crt -c ssl_key_file=$POSTGRES_DIR/server.key" \
      start >/dev/null ;;
  *) echo "usage: control start|stop" >&2; exit 2 ;;
esac
CONTROL
  chmod 755 "$POSTGRES_DIR/control"
}

postgres_stop() {
  if [ -n "${POSTGRES_DIR:-}" ] && [ -d "$POSTGRES_DIR" ]; then
    if [ -f "$POSTGRES_DIR/data/postmaster.pid" ]; then
      postgres_as_owner "$(postgres_bin)/pg_ctl" -D "$POSTGRES_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$POSTGRES_DIR"
  fi
}
