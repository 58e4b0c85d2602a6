#!/usr/bin/env bash
# Makes sure Redis (127.0.0.1:6379) and RabbitMQ (127.0.0.1:5672) answer, starting them with
# the machine's own commands when they do not. Exits non-zero with a clear message otherwise.
set -uo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  local port=$1 seconds=$2
  for _ in $(seq "$seconds"); do
    port_open "$port" && return 0
    sleep 1
  done
  return 1
}

if ! port_open 6379; then
  echo "Redis is not answering on 127.0.0.1:6379; starting it"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
  wait_port 6379 20 || { echo "ERROR: Redis could not be started on 127.0.0.1:6379 (see /var/log/redis/ci.log)" >&2; exit 1; }
fi
echo "Redis is up on 127.0.0.1:6379"

if ! port_open 5672; then
  echo "RabbitMQ is not answering on 127.0.0.1:5672; starting it"
  rabbitmq-server -detached || true
  wait_port 5672 90 || { echo "ERROR: RabbitMQ could not be started on 127.0.0.1:5672 (see /var/log/rabbitmq)" >&2; exit 1; }
fi
echo "RabbitMQ is up on 127.0.0.1:5672"
