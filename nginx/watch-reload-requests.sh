#!/usr/bin/env bash
# Background loop of the prod nginx container. certbot's deploy hook (certbot/deploy-hook.sh) writes a new line
# into the reload-request file on the shared letsencrypt volume after every issued or renewed certificate; this
# loop notices the change and runs reload.sh. It also leaves the ACME bootstrap config as soon as the first
# certificate exists.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
conf_dir="${CASTLINE_NGINX_CONF_DIR:-/etc/nginx/castline}"
cert_dir="${TLS_CERT_DIR:-/etc/letsencrypt/live/${SERVER_NAME:?SERVER_NAME is required}}"
request_file="${NGINX_RELOAD_REQUEST_FILE:-/etc/letsencrypt/castline/nginx-reload-request}"
poll_seconds="${NGINX_RELOAD_POLL_SECONDS:-30}"

read_request() {
  cat "$request_file" 2>/dev/null || true
}

first_certificate_arrived() {
  grep -q '(mode: acme)' "$conf_dir/nginx.conf" && [ -s "$cert_dir/fullchain.pem" ]
}

handled_request="$(read_request)"
while sleep "$poll_seconds"; do
  request="$(read_request)"
  if [ "$request" != "$handled_request" ] || first_certificate_arrived; then
    if "$here/reload.sh"; then
      handled_request="$request"
    else
      echo "castline-nginx: reload failed, the running config stays active" >&2
    fi
  fi
done
