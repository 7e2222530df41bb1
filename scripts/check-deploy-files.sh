#!/usr/bin/env bash
# CI check of the deployment files, without a Docker engine:
#   - renders every nginx template and runs `nginx -t` on it (prod against a throwaway self-signed certificate),
#   - validates both compose files with docker-compose (v1, Debian) and dclint, and again with the profile `monitoring`,
#   - checks that both run postgres and build the backup image on one POSTGRES_IMAGE (scripts/check-postgres-image.sh),
#   - checks the Prometheus config and rules with promtool when it is installed,
#   - checks nats/users.conf against packages/contracts and with `nats-server -t`,
#   - syntax-checks the deployment shell scripts.
# Installs nginx, gettext-base, docker-compose and openssl from Debian only when missing (needs root then).
# Prints one line per check; exits non-zero if any check fails.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
work_dir="$(mktemp -d)"
trap 'rm -rf "$work_dir"' EXIT

failures=0

# run_check NAME COMMAND...: runs the command, prints "ok"/"FAIL" and, on failure, the command's output.
run_check() {
  local name="$1" log="$work_dir/check.log"
  shift
  if "$@" >"$log" 2>&1; then
    local warnings
    warnings="$(grep -c '\[warn\]' "$log" || true)"
    if [ "$warnings" -gt 0 ]; then
      echo "ok    $name ($warnings nginx warning(s): $(grep -m1 -o '\[warn\].*' "$log" | cut -c1-120))"
    else
      echo "ok    $name"
    fi
  else
    echo "FAIL  $name"
    sed 's/^/      /' "$log"
    failures=$((failures + 1))
  fi
}

install_missing_tools() {
  local missing=()
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  command -v envsubst >/dev/null 2>&1 || missing+=(gettext-base)
  command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  if [ "${#missing[@]}" -eq 0 ]; then
    echo "ok    tools present (nginx, envsubst, docker-compose, openssl)"
    return
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "FAIL  missing ${missing[*]}; run as root or install them"
    exit 1
  fi
  # Debian starts a freshly installed nginx on port 80; policy-rc.d (exit 101) tells the package not to.
  local created_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    created_policy=1
  fi
  local status=0
  {
    apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  } >"$work_dir/apt.log" 2>&1 </dev/null || status=$?
  [ "$created_policy" -eq 0 ] || rm -f /usr/sbin/policy-rc.d
  if [ "$status" -ne 0 ]; then
    echo "FAIL  apt-get install ${missing[*]}"
    sed 's/^/      /' "$work_dir/apt.log"
    exit 1
  fi
  echo "ok    installed ${missing[*]}"
}

install_missing_tools
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"

# nginx_test MODE: renders MODE into its own directory and runs `nginx -t` on it.
nginx_test() {
  local mode="$1" dir="$work_dir/nginx-$1" conf
  conf="$(scripts/render-nginx.sh "$mode" "$dir")" || return 1
  "$nginx_bin" -t -p "$dir" -c "$conf" -e "$dir/error.log"
}

# A self-signed certificate where prod.conf expects the Let's Encrypt files.
make_test_certificate() {
  local dir="$1"
  mkdir -p "$dir" &&
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj "/CN=castline.test" -keyout "$dir/privkey.pem" -out "$dir/fullchain.pem" &&
    cp "$dir/fullchain.pem" "$dir/chain.pem"
}

export SERVER_NAME=castline.test
export HLS_ROOT="$work_dir/hls"
export PLAYBACK_SIGNING_SECRET=check-only-playback-secret-0123456789
export SOURCE_SECRET_KEY=check-only-source-secret-key-0123456789
export ACME_WEBROOT="$work_dir/acme"
export TLS_CERT_DIR="$work_dir/tls"
run_check "nginx -t local" nginx_test local
run_check "nginx -t acme bootstrap" nginx_test acme
run_check "self-signed test certificate" make_test_certificate "$TLS_CERT_DIR"
run_check "nginx -t prod" nginx_test prod

# Values for the variables the prod compose file requires (${VAR:?}); compose only needs them to be set.
compose_env="$work_dir/compose.env"
cat >"$compose_env" <<'EOF'
SERVER_NAME=castline.test
CERTBOT_EMAIL=ops@castline.test
POSTGRES_PASSWORD=check-only-password
POSTGRES_OWNER_PASSWORD=check-only-owner-password
POSTGRES_APP_PASSWORD=check-only-app-password
POSTGRES_BACKUP_PASSWORD=check-only-backup-password
JWT_SECRET=check-only-secret-check-only-secret-0123
PLAYBACK_SIGNING_SECRET=check-only-playback-secret-0123456789
SOURCE_SECRET_KEY=check-only-source-secret-key-0123456789
SECRETS_ENCRYPTION_KEY=check-only-secrets-encryption-key-0123456
ADMIN_EMAIL=admin@castline.test
ADMIN_PASSWORD=check-only-admin-password
REDIS_PASSWORD=check-only-redis-password
TRAFFIC_IP_SECRET=check-only-traffic-ip-secret-0123456789
MEDIA_UPLOAD_SECRET=check-only-media-upload-secret-0123456789
BACKUP_ENCRYPTION_KEY=check-only-backup-encryption-key-0123456
BACKUP_TRANSFER_SECRET=check-only-backup-transfer-secret-0123456
EOF
nats_users=(gateway channels monitoring backup campaigns traffic-logger media channels-worker media-worker)
for user in "${nats_users[@]}"; do
  variable="NATS_$(echo "$user" | tr 'a-z-' 'A-Z_')_PASSWORD"
  echo "$variable=7e5-check-only-$user" >>"$compose_env"
  # nats-server reads the variables quoted, as docker-compose.prod.yml passes them.
  export "$variable=\"7e5-check-only-$user\""
done

# nats/users.conf is generated from packages/contracts (needs its dist: npm run build).
if [ -f packages/contracts/dist/index.js ]; then
  run_check "nats/users.conf matches packages/contracts" node scripts/nats-permissions.mjs --check
else
  echo "skip  nats/users.conf vs packages/contracts (no packages/contracts/dist: npm run build)"
fi
nats_server_bin="$(command -v nats-server || echo /usr/sbin/nats-server)"
if [ -x "$nats_server_bin" ]; then
  run_check "nats-server -t nats/users.conf" "$nats_server_bin" -c nats/users.conf -t
else
  echo "skip  nats-server -t (no nats-server binary)"
fi

for compose_file in docker-compose.local.yml docker-compose.prod.yml; do
  run_check "docker-compose config $compose_file" \
    docker-compose --env-file "$compose_env" -f "$compose_file" config -q
  run_check "dclint $compose_file" \
    bash scripts/node24.sh npx --no-install dclint --no-color --max-warnings 0 "$compose_file"
done
# pg_dump follows the server: the backup image is built on the postgres service's image in both files.
run_check "one POSTGRES_IMAGE for postgres and the backup image" \
  bash scripts/check-postgres-image.sh --env-file "$compose_env" docker-compose.local.yml docker-compose.prod.yml
# The profile `monitoring` (Prometheus + Grafana at /grafana/): its services, volumes and the files they mount.
for compose_file in docker-compose.local.yml docker-compose.prod.yml; do
  run_check "docker-compose config --profile monitoring $compose_file" \
    docker-compose --env-file "$compose_env" --profile monitoring -f "$compose_file" config -q
done
run_check "nginx prod serves /grafana/" grep -q 'location /grafana/' "$work_dir/nginx-prod/nginx.conf"
# promtool (Debian package prometheus) when present; the jest test scripts/test/monitoring-dashboards.test.ts checks
# the same files' structure and every PromQL expression against the services' real /metrics either way.
promtool_bin="$(command -v promtool || true)"
if [ -n "$promtool_bin" ]; then
  run_check "promtool check config monitoring/prometheus/prometheus.yml" \
    "$promtool_bin" check config --syntax-only monitoring/prometheus/prometheus.yml
  run_check "promtool check rules monitoring/prometheus/rules/*.yml" "$promtool_bin" check rules monitoring/prometheus/rules/*.yml
else
  echo "skip  promtool check config/rules (no promtool; the jest test checks the monitoring files)"
fi

bash_scripts=(scripts/render-nginx.sh scripts/setup-ssl.sh scripts/check-deploy-files.sh scripts/check-postgres-image.sh nginx/*.sh postgres/initdb/*.sh)
run_check "bash -n ${bash_scripts[*]}" bash -c 'for f in "$@"; do bash -n "$f" || exit 1; done' _ "${bash_scripts[@]}"
certbot_scripts=(certbot/*.sh)
run_check "sh -n ${certbot_scripts[*]}" sh -c 'for f in "$@"; do sh -n "$f" || exit 1; done' _ "${certbot_scripts[@]}"

if [ "$failures" -gt 0 ]; then
  echo "check-deploy-files: $failures check(s) failed"
  exit 1
fi
echo "check-deploy-files: all checks passed"
