#!/usr/bin/env bash
# Entrypoint of the nginx service in both compose files: renders the Castline config and runs nginx in the
# foreground, so the container lives exactly as long as nginx.
#   local: nginx/templates/local.conf.template
#   prod:  prod.conf.template, or acme.conf.template while no certificate exists yet; a background loop applies
#          renewed certificates (certbot/README.md).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export CASTLINE_NGINX_CONF_DIR="${CASTLINE_NGINX_CONF_DIR:-/etc/nginx/castline}"
# Outside the rendered directory, which reload.sh replaces as a whole.
export NGINX_RUNTIME_DIR="${NGINX_RUNTIME_DIR:-/var/cache/nginx/castline}"

case "${1:-}" in
  local)
    "$here/../scripts/render-nginx.sh" local "$CASTLINE_NGINX_CONF_DIR" >/dev/null
    ;;
  prod)
    "$here/reload.sh" --render-only
    "$here/watch-reload-requests.sh" &
    ;;
  *)
    echo "usage: $0 <local|prod>" >&2
    exit 2
    ;;
esac

# The access log on the nginx-logs volume is rotated by size (the traffic-logger tails it).
"$here/rotate-access-log.sh" &

exec nginx -c "$CASTLINE_NGINX_CONF_DIR/nginx.conf" -g 'daemon off;'
