#!/usr/bin/env bash
# What Castline needs from its host, installed and started when missing. One script for `npm start` and .ci/run:
#   system-deps.sh run    nginx, envsubst, ffmpeg, openssl, and PostgreSQL, Redis and NATS (JetStream) running
#   system-deps.sh test   the same, plus docker-compose v1 (validates the compose files), the PostgreSQL client,
#                         Chromium (the dashboard's Playwright tests; Playwright's own download cannot work here)
#                         and PgBouncer (the backup service's restore switch is tested through it)
# Servers: one that answers at DATABASE_URL / REDIS_URL / NATS_URL (defaults on 127.0.0.1) is used as it is; one
# whose URL names another host is that host's business. A local one that does not answer gets its Debian/Ubuntu
# package installed when missing, then is started. A PostgreSQL this script starts for the first time, on which the
# default URL (user postgres, no password) is refused, gets a `castline` role with a generated password, saved as
# DATABASE_URL in .cache/local.env for `npm start`.
# Installing and starting need root or sudo; without either, it prints the exact commands and exits 1.
# NO_NGINX=1 leaves nginx out. SYSTEM_DEPS_DRY_RUN=1 prints the commands instead of running them, and
# CASTLINE_LOCAL_ENV names another file than .cache/local.env (both for tests).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-run}
case "$mode" in run | test) ;; *) echo "usage: $0 [run|test]" >&2; exit 2 ;; esac
LOCAL_ENV_FILE=${CASTLINE_LOCAL_ENV:-.cache/local.env}
log() { echo "[system-deps] $*"; }

# --- how commands that need root are run ------------------------------------------------------------------------------
if [ "${SYSTEM_DEPS_DRY_RUN:-}" = 1 ]; then
  as_root=print
elif [ "$(id -u)" = 0 ]; then
  as_root=direct
elif command -v sudo >/dev/null 2>&1 && { sudo -n true 2>/dev/null || [ -t 0 ]; }; then
  as_root=sudo
else
  as_root=print
fi
printed=()
# Runs a command as root (directly or through sudo), or only records it for the "run these yourself" list.
root() {
  case "$as_root" in
    direct) "$@" ;;
    sudo) sudo "$@" ;;
    print) printed+=("$(printf '%q ' "$@")") ;;
  esac
}
# The same for a shell command line (printed as it is written).
root_shell() {
  case "$as_root" in
    direct) sh -c "$1" ;;
    sudo) sudo sh -c "$1" ;;
    print) printed+=("$1") ;;
  esac
}

# --- URLs ----------------------------------------------------------------------------------------------------------------
# The value a variable has in the environment, else in .cache/local.env (what `npm start` loads), else empty.
configured() {
  local name=$1
  if [ -n "${!name:-}" ]; then printf '%s' "${!name}"; return; fi
  [ -f "$LOCAL_ENV_FILE" ] && sed -n "s/^$name=//p" "$LOCAL_ENV_FILE" | tail -n 1
}
# "host port" of a URL (scheme, credentials and path optional; the first of a comma-separated list).
host_port() {
  local rest=${1%%,*} default_port=$2
  rest=${rest#*://}
  rest=${rest%%/*}
  rest=${rest##*@}
  local host port
  if [[ $rest == \[* ]]; then
    host=${rest%%]*}; host=${host#[}; port=${rest#*]}; port=${port#:}
  else
    host=${rest%%:*}; port=${rest#"$host"}; port=${port#:}
  fi
  echo "${host:-127.0.0.1} ${port:-$default_port}"
}
is_local() { [[ $1 == 127.0.0.1 || $1 == localhost || $1 == ::1 ]]; }
answers() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
wait_until_answers() {
  for _ in $(seq 1 75); do answers "$1" "$2" && return 0; sleep 0.2; done
  return 1
}

# --- packages ----------------------------------------------------------------------------------------------------------
# command -> Debian package; a command already on PATH (or in /usr/sbin) means the package is there.
declare -A package_of=([envsubst]=gettext-base [ffmpeg]=ffmpeg [openssl]=openssl)
[ "${NO_NGINX:-}" = 1 ] || package_of[nginx]=nginx
if [ "$mode" = test ]; then
  package_of[docker-compose]=docker-compose
  package_of[psql]=postgresql-client
  package_of[chromium]=chromium
  # The backup service's restore switch through PgBouncer (PAUSE/RESUME) is tested against a real one.
  package_of[pgbouncer]=pgbouncer
fi

read -r pg_host pg_port <<<"$(host_port "$(configured DATABASE_URL)" 5432)"
read -r redis_host redis_port <<<"$(host_port "$(configured REDIS_URL)" 6379)"
read -r nats_host nats_port <<<"$(host_port "$(configured NATS_URL)" 4222)"
# A server is ours to provide when nothing answers at its URL and the URL is on this machine.
needs() { ! answers "$1" "$2" && is_local "$1"; }
need_postgres=false need_redis=false need_nats=false
needs "$pg_host" "$pg_port" && need_postgres=true
needs "$redis_host" "$redis_port" && need_redis=true
needs "$nats_host" "$nats_port" && need_nats=true
$need_postgres && package_of[pg_ctlcluster]=postgresql
$need_redis && package_of[redis-server]=redis-server
$need_nats && package_of[nats-server]=nats-server

have() { PATH="$PATH:/usr/sbin:/sbin" command -v "$1" >/dev/null 2>&1; }
missing=()
for command in "${!package_of[@]}"; do
  have "$command" || missing+=("${package_of[$command]}")
done
if [ ${#missing[@]} -gt 0 ]; then
  # A headless Chromium without recommends has no fonts at all for text outside the page's own web fonts.
  [[ " ${missing[*]} " == *' chromium '* ]] && missing+=(fonts-dejavu-core)
  log "installing: ${missing[*]}"
  # Packages must not start their own daemons (nginx on port 80, servers with their packaged settings) while
  # being installed: the servers are started below, on the addresses Castline uses.
  root_shell 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d'
  [ "$as_root" = print ] || trap 'root rm -f /usr/sbin/policy-rc.d' EXIT
  root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  root rm -f /usr/sbin/policy-rc.d
  trap - EXIT
fi

# --- servers -----------------------------------------------------------------------------------------------------------
if $need_postgres; then
  log "starting PostgreSQL on port $pg_port"
  # The newest installed major version; the package creates its cluster "main" (unless told not to).
  root_shell "v=\$(ls /usr/lib/postgresql | sort -V | tail -n 1) && { [ -d /etc/postgresql/\$v/main ] || pg_createcluster \$v main --port $pg_port; } && pg_ctlcluster --skip-systemctl-redirect \$v main start"
fi
if $need_redis; then
  log "starting Redis on port $redis_port"
  root mkdir -p /var/lib/redis /var/log/redis
  root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$redis_port" --dir /var/lib/redis \
    --logfile /var/log/redis/castline.log
fi
if $need_nats; then
  log "starting NATS (JetStream) on port $nats_port"
  root mkdir -p /var/lib/nats-server
  # A pid file of its own: --exec alone takes any nats-server on the machine (another port) for this one.
  root start-stop-daemon --start --oknodo --background --make-pidfile --pidfile "/run/castline-nats-$nats_port.pid" \
    --exec "$(PATH="$PATH:/usr/sbin" command -v nats-server || echo /usr/sbin/nats-server)" -- \
    -a 127.0.0.1 -p "$nats_port" -js -sd /var/lib/nats-server -l /var/log/nats-server.log
fi

# A fresh PostgreSQL lets only its own OS user in (peer) and asks for passwords over TCP: give Castline a role with a
# generated password, saved as DATABASE_URL in .cache/local.env for `npm start` (a URL saved there by an earlier run,
# whose commands were printed rather than run, keeps its password). A DATABASE_URL in the environment is left alone.
if $need_postgres && [ -z "${DATABASE_URL:-}" ]; then
  saved=$(configured DATABASE_URL)
  password=
  if [[ $saved =~ ^postgresql://castline:([0-9a-f]+)@127\.0\.0\.1: ]]; then
    password=${BASH_REMATCH[1]}
  elif [ -z "$saved" ] && { [ "$as_root" = print ] || { wait_until_answers 127.0.0.1 "$pg_port" &&
    ! psql -w "postgresql://postgres@127.0.0.1:$pg_port/postgres" -Atc 'SELECT 1' >/dev/null 2>&1; }; }; then
    password=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
    log "PostgreSQL role castline: its password is saved as DATABASE_URL in $LOCAL_ENV_FILE"
    if [ "${SYSTEM_DEPS_DRY_RUN:-}" != 1 ]; then
      mkdir -p "$(dirname "$LOCAL_ENV_FILE")"
      (umask 077 && echo "DATABASE_URL=postgresql://castline:$password@127.0.0.1:$pg_port/castline" >>"$LOCAL_ENV_FILE")
    fi
  fi
  if [ -n "$password" ]; then
    [ "$as_root" = print ] || wait_until_answers 127.0.0.1 "$pg_port"
    # createuser fails when the role exists already; the ALTER sets the password either way.
    root_shell "runuser -u postgres -- createuser -p $pg_port castline 2>/dev/null; runuser -u postgres -- psql -p $pg_port -v ON_ERROR_STOP=1 -qc \"ALTER ROLE castline LOGIN CREATEDB PASSWORD '$password'\""
  fi
fi

if [ ${#printed[@]} -gt 0 ]; then
  {
    echo "Castline needs system packages or servers that this user cannot install or start (no root, no sudo)."
    echo "Run these as root, then start again:"
    printf '  %s\n' "${printed[@]}"
  } >&2
  [ "${SYSTEM_DEPS_DRY_RUN:-}" = 1 ] && exit 0
  exit 1
fi

for server in "PostgreSQL $pg_host $pg_port DATABASE_URL" "Redis $redis_host $redis_port REDIS_URL" "NATS $nats_host $nats_port NATS_URL"; do
  read -r name host port variable <<<"$server"
  wait_until_answers "$host" "$port" || {
    echo "[system-deps] $name does not answer on $host:$port: start it there, or set $variable" >&2
    exit 1
  }
done
