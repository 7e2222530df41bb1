#!/usr/bin/env bash
# Background loop of the nginx container: rotates the JSON access log by size, which the traffic-logger tails
# from the shared nginx-logs volume. Rename, then `nginx -s reopen` (the tailer drains the renamed file to its
# end, then reads the new one from 0), keeping NGINX_LOG_KEEP old files (access.log.1 newest).
# Does nothing when NGINX_ACCESS_LOG is not a regular file path (/dev/stdout, syslog:...).
set -euo pipefail

log="${NGINX_ACCESS_LOG:-}"
max_bytes="${NGINX_LOG_ROTATE_BYTES:-104857600}"
keep="${NGINX_LOG_KEEP:-5}"
poll_seconds="${NGINX_LOG_ROTATE_POLL_SECONDS:-30}"

case "$log" in
  /dev/* | syslog:* | "") exit 0 ;;
esac

while sleep "$poll_seconds"; do
  size="$(stat -c %s "$log" 2>/dev/null || echo 0)"
  [ "$size" -ge "$max_bytes" ] || continue
  rm -f "$log.$keep"
  for ((index = keep - 1; index >= 1; index--)); do
    [ -e "$log.$index" ] && mv -f "$log.$index" "$log.$((index + 1))"
  done
  mv -f "$log" "$log.1"
  nginx -c "${CASTLINE_NGINX_CONF_DIR:-/etc/nginx/castline}/nginx.conf" -s reopen || echo "castline-nginx: reopen after rotating $log failed" >&2
done
