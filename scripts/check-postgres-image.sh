#!/usr/bin/env bash
# The backup image is built on the PostgreSQL server image, so that its pg_dump is the server's major. Checks,
# for each compose file, that the postgres service's image and the backup service's build arg POSTGRES_IMAGE
# resolve to the same image, and that the Dockerfile's default POSTGRES_IMAGE is that image too (a plain
# `docker build --target backup`). Called by scripts/check-deploy-files.sh; scripts/test/postgres-image.test.ts
# shows it failing.
#   check-postgres-image.sh [--dockerfile FILE] [--env-file FILE] COMPOSE_FILE...
set -euo pipefail

dockerfile=Dockerfile
env_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --dockerfile) dockerfile=$2; shift 2 ;;
    --env-file) env_args=(--env-file "$2"); shift 2 ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || { echo "usage: $0 [--dockerfile FILE] [--env-file FILE] COMPOSE_FILE..." >&2; exit 2; }

default=$(sed -n 's/^ARG POSTGRES_IMAGE=//p' "$dockerfile" | head -n 1)
[ -n "$default" ] || { echo "$dockerfile: no ARG POSTGRES_IMAGE=<image> default" >&2; exit 1; }
status=0
for compose_file in "$@"; do
  # docker-compose resolves ${POSTGRES_IMAGE:-...}, anchors and merges: compare what the files say by default
  # (a POSTGRES_IMAGE of this shell or .env would move both sides at once, which is the point).
  images=$(env -u POSTGRES_IMAGE docker-compose "${env_args[@]}" -f "$compose_file" config | python3 -c '
import sys, yaml
services = yaml.safe_load(sys.stdin)["services"]
server = services.get("postgres", {}).get("image", "")
build = services.get("backup", {}).get("build") or {}
print(server)
print((build.get("args") or {}).get("POSTGRES_IMAGE", "") if isinstance(build, dict) else "")
')
  server=$(sed -n 1p <<<"$images")
  backup=$(sed -n 2p <<<"$images")
  if [ -z "$backup" ]; then
    echo "$compose_file: the backup service is not built with args.POSTGRES_IMAGE (its pg_dump would not follow the server)" >&2
    status=1
  elif [ "$server" != "$backup" ]; then
    echo "$compose_file: postgres runs $server but the backup image is built on $backup: use one POSTGRES_IMAGE for both" >&2
    status=1
  elif [ "$server" != "$default" ]; then
    echo "$compose_file: postgres runs $server but $dockerfile's default POSTGRES_IMAGE is $default" >&2
    status=1
  fi
done
exit $status
