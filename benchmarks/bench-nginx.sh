#!/usr/bin/env bash
# Runs nginx in the foreground in front of a bench server, for `roost bench media --download-url`: the proxy of
# docs/operations.md "Serving media through nginx", with the internal X-Accel-Redirect location pointing at the
# server's media folder (used when the server runs with --Roost:Media:AccelRedirectPrefix=/_roost_media/).
# Usage: benchmarks/bench-nginx.sh <nginx port> <server port> <server data folder>   (stop it with Ctrl-C or kill)
# Needs Debian's nginx (apt-get install nginx; the service need not be enabled). Its files go to a fresh /tmp folder.
set -euo pipefail
port="${1:?nginx port}"
upstream="${2:?server port}"
data="${3:?server data folder}"
dir="$(mktemp -d /tmp/roost-nginx.XXXXXX)"
# Media files are private to the server's user (0600 in 0700 folders): the workers run as that user.
user="$(stat -c %U "$data")"
cat >"$dir/nginx.conf" <<CONF
user $user;
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    default_type application/octet-stream;
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
    upstream roost {
        server 127.0.0.1:$upstream;
        keepalive 64;
    }
    server {
        listen 127.0.0.1:$port;
        location / {
            proxy_pass http://roost;
            proxy_http_version 1.1;
            proxy_set_header Host \$host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection \$connection_upgrade;
            client_max_body_size 0;
            proxy_request_buffering off;
        }
        location /_roost_media/ {
            internal;
            alias $data/media/;
            add_header X-Content-Type-Options nosniff always;
            add_header Content-Security-Policy "default-src 'none'; sandbox" always;
        }
    }
}
CONF
echo "nginx: $dir/nginx.conf" >&2
exec nginx -c "$dir/nginx.conf" -e "$dir/error.log"
