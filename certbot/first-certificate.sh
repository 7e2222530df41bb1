#!/bin/sh
# Requests the first certificate for SERVER_NAME (plus SERVER_ALIASES) with an HTTP-01 challenge: certbot puts
# the token into the webroot that nginx serves on port 80. Runs in the certbot container; scripts/setup-ssl.sh
# starts it. POSIX sh: the certbot image has no bash.
#   SERVER_NAME, CERTBOT_EMAIL  required
#   SERVER_ALIASES              optional, space-separated extra names on the same certificate
#   CERTBOT_STAGING=1           use Let's Encrypt's staging CA (untrusted certificates, generous rate limits)
set -euo pipefail

: "${SERVER_NAME:?SERVER_NAME is required}"
: "${CERTBOT_EMAIL:?CERTBOT_EMAIL is required}"
webroot="${ACME_WEBROOT:-/var/www/certbot}"
here="$(cd "$(dirname "$0")" && pwd)"

# --cert-name keeps the files at /etc/letsencrypt/live/$SERVER_NAME, where nginx looks for them.
set -- certonly --webroot -w "$webroot" --cert-name "$SERVER_NAME" -d "$SERVER_NAME"
for alias in ${SERVER_ALIASES:-}; do
  set -- "$@" -d "$alias"
done
set -- "$@" --email "$CERTBOT_EMAIL" --agree-tos --no-eff-email --non-interactive --keep-until-expiring \
  --deploy-hook "$here/deploy-hook.sh"

if [ "${CERTBOT_STAGING:-0}" = 1 ]; then
  set -- "$@" --staging
elif grep -qs 'acme-staging' "/etc/letsencrypt/renewal/$SERVER_NAME.conf"; then
  # --keep-until-expiring would keep a still-valid staging certificate; replace it with a trusted one.
  set -- "$@" --force-renewal
fi

exec certbot "$@"
