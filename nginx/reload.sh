#!/usr/bin/env bash
# Renders the production config, tests it and reloads the running nginx (prod nginx container).
# While no certificate exists yet it renders the ACME bootstrap config instead, so certbot can get the first one.
# A config that fails `nginx -t` never replaces the active one.
#   reload.sh                render, test, reload (watch-reload-requests.sh, scripts/setup-ssl.sh)
#   reload.sh --render-only  render and test only (docker-entrypoint.sh, before nginx runs)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
conf_dir="${CASTLINE_NGINX_CONF_DIR:-/etc/nginx/castline}"
export NGINX_RUNTIME_DIR="${NGINX_RUNTIME_DIR:-/var/cache/nginx/castline}"
cert_dir="${TLS_CERT_DIR:-/etc/letsencrypt/live/${SERVER_NAME:?SERVER_NAME is required}}"

mode=prod
if [ ! -s "$cert_dir/fullchain.pem" ] || [ ! -s "$cert_dir/privkey.pem" ]; then
  mode=acme
fi

next_dir="$conf_dir.next"
rm -rf "$next_dir"
"$here/../scripts/render-nginx.sh" "$mode" "$next_dir" >/dev/null
nginx -t -q -c "$next_dir/nginx.conf"
rm -rf "$conf_dir"
mv "$next_dir" "$conf_dir"

if [ "${1:-}" != --render-only ]; then
  nginx -c "$conf_dir/nginx.conf" -s reload
fi
echo "castline-nginx: $mode config active" >&2
