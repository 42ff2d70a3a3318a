# Sourced by test.sh: a private RabbitMQ node for the tests, on loopback, with a random password and a TLS listener
# whose certificate a throwaway CA signed. Debian's /usr/sbin/rabbitmq-server wraps the node as the system service;
# the node is started from /usr/lib/rabbitmq/bin instead, with its own node name, cookie, config, data and logs in a
# temp directory and every port (AMQP, AMQPS, Erlang distribution, a private epmd) on 127.0.0.1 below 32768.
# rabbitmq_start exports ROOST_TEST_RABBITMQ (amqp://), ROOST_TEST_RABBITMQ_TLS (amqps:// to localhost) and
# ROOST_TEST_RABBITMQ_CA; rabbitmq_stop stops the node and its epmd and removes the directory. The fault tests stop
# and start the node through ROOST_TEST_RABBITMQ_CONTROL (a script taking "stop" or "start").

rabbitmq_install() {
  if [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] && command -v openssl >/dev/null 2>&1; then return; fi
  echo "test.sh: installing Debian's rabbitmq-server for the cluster tests"
  local sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  # Where a service manager runs, the package may start the system node on 5672; the tests never use it.
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends rabbitmq-server openssl >/dev/null
}

rabbitmq_port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# A base port whose four neighbours are free: AMQP on P, distribution on P+2, epmd on P+3, AMQPS on P+4.
rabbitmq_free_base() {
  local base
  for base in $(seq 21000 10 21990); do
    if rabbitmq_port_free "$base" && rabbitmq_port_free $((base + 2)) && rabbitmq_port_free $((base + 3)) &&
      rabbitmq_port_free $((base + 4)); then
      echo "$base"
      return
    fi
  done
  echo "test.sh: no free loopback ports in 21000-21999 for RabbitMQ" >&2
  return 1
}

rabbitmq_make_certificates() {
  local dir="$1"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Roost test RabbitMQ CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$dir/san.ext"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
    -extfile "$dir/san.ext" -out "$dir/server.crt" 2>/dev/null
  chmod 600 "$dir/server.key" "$dir/ca.key"
}

# Writes the environment of the private node to $RABBITMQ_DIR/env, so the control script starts the same node.
rabbitmq_write_env() {
  local dir="$1" port="$2"
  cat >"$dir/env" <<ENV
export HOME=$dir RABBITMQ_NODENAME=roost$port@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=$port
export RABBITMQ_DIST_PORT=$((port + 2)) ERL_EPMD_ADDRESS=127.0.0.1 ERL_EPMD_PORT=$((port + 3))
export RABBITMQ_CONF_ENV_FILE=$dir/rabbitmq-env.conf RABBITMQ_CONFIG_FILE=$dir/rabbitmq.conf
export RABBITMQ_ENABLED_PLUGINS_FILE=$dir/enabled_plugins RABBITMQ_MNESIA_BASE=$dir/mnesia
export RABBITMQ_LOG_BASE=$dir/log RABBITMQ_PID_FILE=$dir/rabbit.pid
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}'
export RABBITMQ_CTL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}'
ENV
  # The control script the fault tests call: "start" boots the node and waits for its AMQP port, "stop" stops it.
  cat >"$dir/control" <<CONTROL
#!/usr/bin/env bash
set -euo pipefail
source "$dir/env"
case "\${1:-}" in
  start)
    /usr/lib/rabbitmq/bin/rabbitmq-server >>"$dir/stdout.log" 2>&1 &
    echo \$! >"$dir/server.pid"
    for _ in \$(seq 1 1200); do
      if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then exit 0; fi
      kill -0 "\$(cat "$dir/server.pid")" 2>/dev/null || { tail -n 20 "$dir/stdout.log" >&2; exit 1; }
      sleep 0.1
    done
    echo "RabbitMQ did not open port $port in 120 s" >&2
    exit 1 ;;
  stop)
    # Given the pid file, rabbitmqctl waits until the node's process has exited (its ports are free again).
    timeout 60 /usr/lib/rabbitmq/bin/rabbitmqctl stop "$dir/rabbit.pid" >/dev/null 2>&1 ||
      kill -9 "\$(cat "$dir/rabbit.pid" 2>/dev/null)" 2>/dev/null || true ;;
  *)
    echo "usage: control start|stop" >&2
    exit 2 ;;
esac
CONTROL
  chmod 700 "$dir/control"
}

rabbitmq_start() {
  rabbitmq_install
  RABBITMQ_DIR="$(mktemp -d /tmp/roost-rmq.XXXXXX)"
  chmod 700 "$RABBITMQ_DIR"
  mkdir -p "$RABBITMQ_DIR/mnesia" "$RABBITMQ_DIR/log"
  rabbitmq_make_certificates "$RABBITMQ_DIR"
  local password attempt port
  password="$(openssl rand -hex 24)"
  for attempt in 1 2 3; do
    port="$(rabbitmq_free_base)"
    cat >"$RABBITMQ_DIR/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$port
listeners.ssl.default = 127.0.0.1:$((port + 4))
ssl_options.cacertfile = $RABBITMQ_DIR/ca.crt
ssl_options.certfile = $RABBITMQ_DIR/server.crt
ssl_options.keyfile = $RABBITMQ_DIR/server.key
ssl_options.verify = verify_none
ssl_options.fail_if_no_peer_cert = false
default_user = roost
default_pass = $password
loopback_users = none
log.console = false
log.file.level = warning
CONF
    chmod 600 "$RABBITMQ_DIR/rabbitmq.conf"
    echo '[].' >"$RABBITMQ_DIR/enabled_plugins"
    : >"$RABBITMQ_DIR/rabbitmq-env.conf"
    printf 'roostcookie%s' "$(openssl rand -hex 16)" >"$RABBITMQ_DIR/.erlang.cookie"
    chmod 400 "$RABBITMQ_DIR/.erlang.cookie"
    rabbitmq_write_env "$RABBITMQ_DIR" "$port"
    if "$RABBITMQ_DIR/control" start; then
      export ROOST_TEST_RABBITMQ="amqp://roost:$password@127.0.0.1:$port/"
      export ROOST_TEST_RABBITMQ_TLS="amqps://roost:$password@localhost:$((port + 4))/"
      export ROOST_TEST_RABBITMQ_CA="$RABBITMQ_DIR/ca.crt"
      export ROOST_TEST_RABBITMQ_CONTROL="$RABBITMQ_DIR/control"
      echo "test.sh: RabbitMQ $(dpkg-query -W -f '${Version}' rabbitmq-server 2>/dev/null) on 127.0.0.1:$port (TLS $((port + 4)))"
      return 0
    fi
    echo "test.sh: RabbitMQ did not start on port $port (attempt $attempt)" >&2
    rabbitmq_kill_epmd "$port"
    rm -rf "$RABBITMQ_DIR/mnesia" && mkdir -p "$RABBITMQ_DIR/mnesia"
  done
  return 1
}

# epmd is started as a daemon and outlives the node: stop the private one, found by the port in its environment
# (read from /proc, so nothing beyond coreutils is needed).
rabbitmq_kill_epmd() {
  local epmd_port=$(($1 + 3)) dir pid
  for dir in /proc/[0-9]*; do
    pid="${dir#/proc/}"
    if [ "$(cat "$dir/comm" 2>/dev/null)" = "epmd" ] &&
      tr '\0' '\n' <"$dir/environ" 2>/dev/null | grep -qx "ERL_EPMD_PORT=$epmd_port"; then
      kill "$pid" 2>/dev/null || true
    fi
  done
}

rabbitmq_stop() {
  if [ -n "${RABBITMQ_DIR:-}" ] && [ -d "$RABBITMQ_DIR" ]; then
    local port
    port="$(sed -n 's/.*RABBITMQ_NODE_PORT=\([0-9]*\).*/\1/p' "$RABBITMQ_DIR/env" 2>/dev/null | head -n 1)"
    "$RABBITMQ_DIR/control" stop || true
    if [ -f "$RABBITMQ_DIR/server.pid" ]; then kill "$(cat "$RABBITMQ_DIR/server.pid")" 2>/dev/null || true; fi
    if [ -n "$port" ]; then rabbitmq_kill_epmd "$port"; fi
    rm -rf "$RABBITMQ_DIR"
  fi
}
