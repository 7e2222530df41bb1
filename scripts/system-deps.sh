#!/usr/bin/env bash
# Installs the Debian packages the tests and the native run need, only those that are missing:
# nginx (serves /live and fronts the API), envsubst (renders the nginx templates), docker-compose v1
# (validates the compose files; there is no Docker engine here), ffmpeg, the PostgreSQL client, and Chromium
# (the dashboard's Playwright tests drive it; Playwright's own browser download cannot work here).
set -euo pipefail

declare -A package_of=(
  [nginx]=nginx
  [envsubst]=gettext-base
  [docker-compose]=docker-compose
  [ffmpeg]=ffmpeg
  [psql]=postgresql-client
  [openssl]=openssl
  [chromium]=chromium
)
missing=()
for command in "${!package_of[@]}"; do
  command -v "$command" >/dev/null 2>&1 || missing+=("${package_of[$command]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
# A headless Chromium without recommends has no fonts at all for text outside the page's own web fonts.
[[ " ${missing[*]} " == *' chromium '* ]] && missing+=(fonts-dejavu-core)
if [ "$(id -u)" != 0 ]; then
  echo "missing system packages: ${missing[*]} (install them with apt-get as root)" >&2
  exit 1
fi
echo "[system-deps] installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Packages must not start their own daemons (nginx on port 80) while being installed.
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
trap 'rm -f /usr/sbin/policy-rc.d' EXIT
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
