#!/usr/bin/env bash
# Makes sure the services the integration tests talk to are running: PostgreSQL and Redis.
# Starts any that is down (as the machine's own packages install them) and fails loudly if
# it cannot.
set -uo pipefail

PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
REDIS_PORT=${REDIS_PORT:-6379}

wait_for() {  # name, command...
  local name=$1; shift
  for _ in $(seq 1 30); do
    if "$@" >/dev/null 2>&1; then echo "services: $name is up"; return 0; fi
    sleep 1
  done
  echo "services: $name did not come up" >&2
  return 1
}

pg_up() { pg_isready -q -h "$PGHOST" -p "$PGPORT"; }
redis_up() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping | grep -q PONG; }

status=0
if ! pg_up; then
  echo "services: starting PostgreSQL"
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start || true
  else
    echo "services: PostgreSQL is not installed here (need pg_ctlcluster)" >&2
  fi
fi
wait_for PostgreSQL pg_up || status=1

if ! redis_up; then
  echo "services: starting Redis"
  if command -v redis-server >/dev/null; then
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" \
      --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
  else
    echo "services: Redis is not installed here (need redis-server)" >&2
  fi
fi
wait_for Redis redis_up || status=1

if [ "$status" -ne 0 ]; then
  echo "services: FAILED to bring up the integration services" >&2
fi
exit "$status"
