#!/usr/bin/env bash
# Stops the services that services:up started (and only those), keeping their caches.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

if was_started ferretdb; then say "stopping FerretDB"; stop_pidfile "$DTQ_SERVICES_DIR/ferretdb/ferretdb.pid"; unmark_started ferretdb; fi
if was_started postgres; then
  say "stopping PostgreSQL"
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$bin/pg_ctl" -D "$DTQ_SERVICES_DIR/postgres/data" -m fast stop >&2
  else "$bin/pg_ctl" -D "$DTQ_SERVICES_DIR/postgres/data" -m fast stop >&2; fi
  unmark_started postgres
fi
if was_started kafka; then say "stopping Kafka"; "$SERVICES_SCRIPTS/kafka/broker.sh" stop "$DTQ_SERVICES_DIR/kafka"; unmark_started kafka; fi
if was_started rabbitmq; then say "stopping RabbitMQ"; rabbitmqctl stop >&2 || true; unmark_started rabbitmq; fi
if was_started redis-cluster; then
  say "stopping the Redis Cluster"
  for file in "$DTQ_SERVICES_DIR"/redis-cluster/*/redis.pid; do stop_pidfile "$file"; done
  unmark_started redis-cluster
fi
if was_started redis; then say "stopping Redis"; stop_pidfile "$DTQ_SERVICES_DIR/redis/redis.pid"; unmark_started redis; fi
say "stopped what services:up had started"
