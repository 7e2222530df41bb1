#!/bin/sh
# Entrypoint of the certbot service (docker-compose.prod.yml): tries a renewal twice a day. certbot renews only
# certificates that expire within 30 days (adding its own random delay) and then runs the deploy hook.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
twelve_hours=43200

# `docker stop` sends TERM: leave at once instead of waiting out the sleep.
trap 'exit 0' TERM INT

while :; do
  certbot renew --non-interactive --deploy-hook "$here/deploy-hook.sh" \
    || echo "renew-loop: certbot renew failed; next attempt in 12 hours" >&2
  sleep "$twelve_hours" &
  wait $!
done
