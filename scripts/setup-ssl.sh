#!/usr/bin/env bash
# First TLS certificate of a production server (docker-compose.prod.yml), end to end:
#   1. checks the domain and e-mail and that the domain resolves in DNS,
#   2. starts nginx alone: without a certificate it serves only the ACME challenge on port 80,
#   3. proves that http://DOMAIN/.well-known/acme-challenge/ reaches this nginx (a probe file, before asking
#      Let's Encrypt, whose rate limits punish failed attempts),
#   4. runs certbot/first-certificate.sh in the certbot container,
#   5. reloads nginx into the https config and checks that https answers.
#
#   scripts/setup-ssl.sh [--staging] [--domain NAME] [--email ADDRESS]
#
# Domain, aliases and e-mail default to SERVER_NAME, SERVER_ALIASES and CERTBOT_EMAIL from the environment or
# .env. The rest of .env (POSTGRES_PASSWORD, JWT_SECRET, ...) must be filled in too: compose reads the whole file.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

usage() {
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

# Reads KEY=value from .env without executing it (values may contain shell characters).
env_file_value() {
  [ -f .env ] || return 0
  sed -n "s/^$1=//p" .env | tail -n 1 | sed -e 's/^["'\'']//' -e 's/["'\'']$//'
}

domain="${SERVER_NAME:-$(env_file_value SERVER_NAME)}"
aliases="${SERVER_ALIASES:-$(env_file_value SERVER_ALIASES)}"
email="${CERTBOT_EMAIL:-$(env_file_value CERTBOT_EMAIL)}"
staging=0

while [ "$#" -gt 0 ]; do
  case "$1" in
    --staging) staging=1 ;;
    --domain) domain="${2:?--domain needs a value}"; shift ;;
    --email) email="${2:?--email needs a value}"; shift ;;
    -h | --help) usage ;;
    *) echo "setup-ssl: unknown argument $1" >&2; usage ;;
  esac
  shift
done

step() { echo "==> $*"; }
fail() { echo "setup-ssl: $*" >&2; exit 1; }

step "checking arguments"
domain_pattern='^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$'
[ -n "$domain" ] || fail "no domain: set SERVER_NAME in .env or pass --domain"
for name in $domain $aliases; do
  [[ "$name" =~ $domain_pattern ]] || fail "'$name' is not a lowercase DNS name"
done
[[ "$email" =~ ^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$ ]] || fail "set CERTBOT_EMAIL in .env or pass --email (expiry notices go there)"
export SERVER_NAME="$domain" SERVER_ALIASES="$aliases" CERTBOT_EMAIL="$email"

if docker compose version >/dev/null 2>&1; then
  compose=(docker compose -f docker-compose.prod.yml)
elif command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose -f docker-compose.prod.yml)
else
  fail "needs Docker Compose (docker compose or docker-compose)"
fi
"${compose[@]}" config -q || fail "docker-compose.prod.yml does not resolve; complete .env first"

step "checking DNS"
local_addresses=" $(hostname -I 2>/dev/null || true) "
for name in $domain $aliases; do
  addresses="$( (getent ahostsv4 "$name" || true) | awk '{ print $1 }' | sort -u | tr '\n' ' ')"
  [ -n "$addresses" ] || fail "$name does not resolve; create its A record pointing at this server first"
  matches=0
  for address in $addresses; do
    if [[ "$local_addresses" == *" $address "* ]]; then
      matches=1
    fi
  done
  if [ "$matches" -eq 1 ]; then
    echo "    $name -> $addresses(this server)"
  else
    echo "    $name -> $addresses(not an address of this server; fine behind NAT, the probe below decides)"
  fi
done

step "starting nginx (ACME challenge on port 80)"
"${compose[@]}" up -d --no-deps nginx
for _ in $(seq 1 30); do
  curl -fsS --max-time 2 -o /dev/null http://127.0.0.1/nginx-health && break
  sleep 1
done
curl -fsS --max-time 2 -o /dev/null http://127.0.0.1/nginx-health || fail "nginx does not answer on port 80; see: ${compose[*]} logs nginx"

step "probing the challenge path from outside"
probe_token="castline-probe-$(date +%s)-$RANDOM"
"${compose[@]}" run --rm --no-deps --entrypoint sh certbot -c \
  'mkdir -p "$1/.well-known/acme-challenge" && echo "$2" >"$1/.well-known/acme-challenge/castline-probe"' \
  probe /var/www/certbot "$probe_token" >/dev/null
for name in $domain $aliases; do
  answer="$(curl -fsS --max-time 10 "http://$name/.well-known/acme-challenge/castline-probe" || true)"
  [ "$answer" = "$probe_token" ] || fail "http://$name/.well-known/acme-challenge/ does not reach this nginx (firewall, port 80 forwarding or DNS)"
  echo "    http://$name/.well-known/acme-challenge/ reaches this server"
done
"${compose[@]}" run --rm --no-deps --entrypoint rm certbot -f /var/www/certbot/.well-known/acme-challenge/castline-probe >/dev/null

step "requesting the certificate$([ "$staging" -eq 1 ] && echo ' (staging CA)')"
"${compose[@]}" run --rm --no-deps -e CERTBOT_STAGING="$staging" \
  --entrypoint /opt/castline/certbot/first-certificate.sh certbot

step "switching nginx to https"
"${compose[@]}" exec -T nginx /opt/castline/nginx/reload.sh
curl_tls=(-fsS --max-time 10 -o /dev/null)
[ "$staging" -eq 0 ] || curl_tls+=(--insecure)
curl "${curl_tls[@]}" "https://$domain/nginx-health" || fail "https://$domain does not answer; see: ${compose[*]} logs nginx"

echo "Certificate installed for: $domain $aliases"
echo "Start everything with: ${compose[*]} up -d --build  (the certbot service renews it from now on)"
