#!/usr/bin/env bash
# Renders a Castline nginx config from nginx/templates/<mode>.conf.template plus nginx/snippets/*.conf into
# OUTDIR and prints the path of the rendered nginx.conf.
#
#   scripts/render-nginx.sh <local|prod|acme> <outdir>
#
# local: complete nginx.conf for development (native: `nginx -p OUTDIR -c OUTDIR/nginx.conf -e OUTDIR/error.log`).
# prod:  ports 80 + 443 with TLS from TLS_CERT_DIR.
# acme:  port 80 only, for the first certificate of a new server (see certbot/README.md).
#
# Every variable has a default for a native run; the environment overrides it (compose sets container values).
# envsubst gets an explicit variable list, so nginx's own $variables pass through untouched.
set -euo pipefail

usage() {
  echo "usage: $0 <local|prod|acme> <outdir>" >&2
  exit 2
}

[ "$#" -eq 2 ] || usage
mode="$1"
case "$mode" in
  local | prod | acme) ;;
  *) usage ;;
esac

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
nginx_dir="$repo_root/nginx"
template="$nginx_dir/templates/$mode.conf.template"
[ -f "$template" ] || { echo "render-nginx: missing template $template" >&2; exit 1; }

mkdir -p "$2"
outdir="$(cd "$2" && pwd)"

if ! command -v envsubst >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "render-nginx: envsubst is missing; install the Debian package gettext-base" >&2
    exit 1
  fi
  echo "render-nginx: installing gettext-base (envsubst)" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gettext-base >/dev/null
fi

# The first nameserver of this machine, in nginx syntax (IPv6 addresses need brackets).
system_resolver() {
  local address
  address="$(awk '$1 == "nameserver" { print $2; exit }' /etc/resolv.conf 2>/dev/null || true)"
  case "$address" in
    "") echo "127.0.0.1" ;;
    *:*) echo "[$address]" ;;
    *) echo "$address" ;;
  esac
}

export NGINX_PORT="${NGINX_PORT:-8080}"
export NGINX_HTTP_PORT="${NGINX_HTTP_PORT:-80}"
export NGINX_HTTPS_PORT="${NGINX_HTTPS_PORT:-443}"
export NGINX_WORKER_PROCESSES="${NGINX_WORKER_PROCESSES:-auto}"
export SERVER_NAME="${SERVER_NAME:-localhost}"
export SERVER_ALIASES="${SERVER_ALIASES:-}"
export GATEWAY_UPSTREAM="${GATEWAY_UPSTREAM:-127.0.0.1:3000}"
export DASHBOARD_UPSTREAM="${DASHBOARD_UPSTREAM:-127.0.0.1:3001}"
export TRAFFIC_UPSTREAM="${TRAFFIC_UPSTREAM:-127.0.0.1:3006}"
export CAMPAIGNS_UPSTREAM="${CAMPAIGNS_UPSTREAM:-127.0.0.1:3005}"
export MEDIA_UPSTREAM="${MEDIA_UPSTREAM:-127.0.0.1:3007}"
# Backup downloads and imports go straight to the backup service (after the gateway's auth_request).
export BACKUP_UPSTREAM="${BACKUP_UPSTREAM:-127.0.0.1:3004}"
export BACKUP_IMPORT_MAX_BODY_SIZE="${BACKUP_IMPORT_MAX_BODY_SIZE:-100g}"
export MEDIA_ROOT="${MEDIA_ROOT:-$repo_root/data/media}"
# Who may frame /embed/<id> (CSP frame-ancestors): `*` or a space-separated list of origins.
export MEDIA_EMBED_ANCESTORS="${MEDIA_EMBED_ANCESTORS:-*}"
# Grafana of the compose profile `monitoring` (prod only, at /grafana/).
export GRAFANA_UPSTREAM="${GRAFANA_UPSTREAM:-127.0.0.1:3100}"
export HLS_ROOT="${HLS_ROOT:-/dev/shm/castline/hls}"
# Shared with the channels service, which signs playback URLs of `signed` channels; no default: both must agree.
export PLAYBACK_SIGNING_SECRET="${PLAYBACK_SIGNING_SECRET:-}"
export UPLOAD_MAX_BODY_SIZE="${UPLOAD_MAX_BODY_SIZE:-20g}"
export NGINX_RUNTIME_DIR="${NGINX_RUNTIME_DIR:-$outdir}"
export NGINX_ACCESS_LOG="${NGINX_ACCESS_LOG:-$NGINX_RUNTIME_DIR/access.log}"
export NGINX_ERROR_LOG="${NGINX_ERROR_LOG:-$NGINX_RUNTIME_DIR/error.log}"
export NGINX_RESOLVER="${NGINX_RESOLVER:-$(system_resolver)}"
export ACME_WEBROOT="${ACME_WEBROOT:-/var/www/certbot}"
export TLS_CERT_DIR="${TLS_CERT_DIR:-/etc/letsencrypt/live/$SERVER_NAME}"

variables=(
  NGINX_PORT NGINX_HTTP_PORT NGINX_HTTPS_PORT NGINX_WORKER_PROCESSES SERVER_NAME SERVER_ALIASES
  GATEWAY_UPSTREAM DASHBOARD_UPSTREAM TRAFFIC_UPSTREAM CAMPAIGNS_UPSTREAM MEDIA_UPSTREAM MEDIA_ROOT MEDIA_EMBED_ANCESTORS GRAFANA_UPSTREAM HLS_ROOT PLAYBACK_SIGNING_SECRET UPLOAD_MAX_BODY_SIZE
  BACKUP_UPSTREAM BACKUP_IMPORT_MAX_BODY_SIZE
  NGINX_RUNTIME_DIR NGINX_ACCESS_LOG NGINX_ERROR_LOG NGINX_RESOLVER ACME_WEBROOT TLS_CERT_DIR
)
shell_format=""
for name in "${variables[@]}"; do
  if [ -z "${!name}" ] && [ "$name" != SERVER_ALIASES ]; then
    echo "render-nginx: $name must not be empty" >&2
    exit 1
  fi
  shell_format+="\${$name} "
done

# The secret lands inside a double-quoted nginx string: no quotes, no $, no spaces (channels' config says the same).
if ! [[ "$PLAYBACK_SIGNING_SECRET" =~ ^[A-Za-z0-9_.~+/=-]+$ ]]; then
  echo "render-nginx: PLAYBACK_SIGNING_SECRET must be set, with letters, digits and _.~+/=- only" >&2
  exit 1
fi

render() {
  local source="$1" target="$2"
  {
    echo "# Rendered by scripts/render-nginx.sh (mode: $mode) from ${source#"$repo_root/"}; edit the source, not this file."
    envsubst "$shell_format" <"$source"
  } >"$target"
  # A ${VAR} left over is a template variable missing from the list above.
  if grep -qE '\$\{[A-Z][A-Z0-9_]*\}' "$target"; then
    echo "render-nginx: unknown variable in $source: $(grep -oE '\$\{[A-Z][A-Z0-9_]*\}' "$target" | sort -u | tr '\n' ' ')" >&2
    exit 1
  fi
}

mkdir -p "$outdir/snippets" "$NGINX_RUNTIME_DIR"
for snippet in "$nginx_dir"/snippets/*.conf; do
  render "$snippet" "$outdir/snippets/$(basename "$snippet")"
done
# Behind a load balancer: REAL_IP_FROM (comma-separated addresses/CIDRs of the balancers) lets nginx take the
# client address from their X-Forwarded-For (realip); unset, the peer's address is the client's.
{
  echo "# Rendered by scripts/render-nginx.sh from REAL_IP_FROM."
  if [ -n "${REAL_IP_FROM:-}" ]; then
    IFS=',' read -ra balancers <<<"$REAL_IP_FROM"
    for balancer in "${balancers[@]}"; do
      balancer="${balancer// /}"
      if ! [[ "$balancer" =~ ^[0-9A-Fa-f:./]+$ ]]; then
        echo "render-nginx: REAL_IP_FROM entry \"$balancer\" is not an address or CIDR" >&2
        exit 1
      fi
      echo "set_real_ip_from $balancer;"
    done
    echo "real_ip_header X-Forwarded-For;"
    echo "real_ip_recursive on;"
  fi
} >"$outdir/snippets/real-ip.conf"
render "$template" "$outdir/nginx.conf"

echo "$outdir/nginx.conf"
