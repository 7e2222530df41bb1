#!/usr/bin/env bash
# Starts the machine's PostgreSQL, Redis and NATS when they do not answer (the commands this machine kind
# documents). Used by CI; harmless when they are already up.
set -euo pipefail

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! answers 5432; then
  echo "[local-services] starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
fi
if ! answers 6379; then
  echo "[local-services] starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
if ! answers 4222; then
  echo "[local-services] starting NATS"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
    -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
fi
for port in 5432 6379 4222; do
  for _ in $(seq 1 50); do answers "$port" && break; sleep 0.2; done
  answers "$port" || { echo "[local-services] nothing answers on 127.0.0.1:$port" >&2; exit 1; }
done
