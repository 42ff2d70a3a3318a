# Sourced by test.sh: Debian's nginx binary for the test that runs the X-Accel-Redirect snippet of docs/operations.md
# for real. nginx_install exports ROOST_TEST_NGINX (the binary); each test starts its own nginx, in one process, on a
# loopback port, with its own prefix folder, and stops it. On a machine without nginx the package is downloaded and
# unpacked into the user's cache instead of installed, so no system nginx service is started (or left on port 80).

nginx_install() {
  if command -v nginx >/dev/null 2>&1; then
    export ROOST_TEST_NGINX="$(command -v nginx)"
    return
  fi
  local home="${XDG_CACHE_HOME:-$HOME/.cache}/roost-test-nginx"
  if [ ! -x "$home/usr/sbin/nginx" ]; then
    echo "test.sh: unpacking Debian's nginx into $home for the X-Accel-Redirect test"
    local download
    download="$(mktemp -d)"
    (cd "$download" && apt-get download nginx >/dev/null 2>&1) || {
      local sudo_cmd=""
      if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
      $sudo_cmd apt-get update -qq
      (cd "$download" && apt-get download nginx >/dev/null)
    }
    mkdir -p "$home"
    dpkg-deb -x "$download"/nginx_*.deb "$home"
    rm -rf "$download"
  fi
  export ROOST_TEST_NGINX="$home/usr/sbin/nginx"
}
