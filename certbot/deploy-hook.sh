#!/bin/sh
# certbot --deploy-hook: runs after every issued or renewed certificate (certbot sets RENEWED_LINEAGE).
# The certbot container cannot signal nginx in another container, so it leaves a reload request on the shared
# letsencrypt volume; nginx/watch-reload-requests.sh notices it within NGINX_RELOAD_POLL_SECONDS and reloads.
set -euo pipefail

request_file="${NGINX_RELOAD_REQUEST_FILE:-/etc/letsencrypt/castline/nginx-reload-request}"
mkdir -p "$(dirname "$request_file")"
# Written aside and renamed, so the watcher never reads half a request.
printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${RENEWED_LINEAGE:-unknown}" >"$request_file.tmp"
mv "$request_file.tmp" "$request_file"
echo "deploy-hook: nginx reload requested for ${RENEWED_LINEAGE:-unknown}"
