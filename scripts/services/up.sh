#!/usr/bin/env bash
# Brings up the servers dtq's tests and services mode talk to, each only if it is not already
# answering: Redis, RabbitMQ, a three-node Redis Cluster, Apache Kafka (KRaft) and FerretDB on
# PostgreSQL (a MongoDB-wire server). Progress goes to stderr; stdout carries only `export` lines,
# so that `eval "$(npm run -s services:up)"` points a shell at them. No Docker needed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

REDIS_PORT=6379
RABBITMQ_PORT=5672
KAFKA_PORT=9092
KAFKA_CONTROLLER_PORT=9093
POSTGRES_PORT=5433
MONGODB_PORT=27017
CLUSTER_PORTS=(7001 7002 7003)

mkdir -p "$DTQ_SERVICES_DIR" "$DTQ_CACHE_DIR"

up_redis() {
  if port_open $REDIS_PORT; then say "Redis: answering on $REDIS_PORT"; return; fi
  need_debian_package redis-server redis-server
  local dir="$DTQ_SERVICES_DIR/redis"
  mkdir -p "$dir"
  say "Redis: starting on $REDIS_PORT"
  redis-server --daemonize yes --bind 127.0.0.1 --port $REDIS_PORT --save "" --appendonly no \
    --dir "$dir" --logfile "$dir/redis.log" --pidfile "$dir/redis.pid" >&2
  wait_for Redis 20 port_open $REDIS_PORT || die "Redis did not answer on $REDIS_PORT (see $dir/redis.log)"
  mark_started redis
}

cluster_ok() { redis-cli -p "${CLUSTER_PORTS[0]}" cluster info 2>/dev/null | grep -q '^cluster_state:ok'; }

up_redis_cluster() {
  need_debian_package redis-server redis-server
  need_debian_package redis-cli redis-tools
  if cluster_ok; then say "Redis Cluster: answering on ${CLUSTER_PORTS[*]}"; return; fi
  local port dir nodes=()
  for port in "${CLUSTER_PORTS[@]}"; do
    dir="$DTQ_SERVICES_DIR/redis-cluster/$port"
    mkdir -p "$dir"
    nodes+=("127.0.0.1:$port")
    port_open "$port" && continue
    say "Redis Cluster: starting node $port"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --cluster-enabled yes \
      --cluster-config-file "$dir/nodes.conf" --cluster-node-timeout 5000 --save "" --appendonly no \
      --dir "$dir" --logfile "$dir/redis.log" --pidfile "$dir/redis.pid" >&2
    wait_for "Redis Cluster node" 20 port_open "$port" || die "Redis Cluster node $port did not answer (see $dir/redis.log)"
  done
  mark_started redis-cluster
  # Nodes restarted from their nodes.conf rejoin by themselves; only new nodes need creating.
  wait_for "Redis Cluster" 5 cluster_ok && { say "Redis Cluster: rejoined"; return; }
  say "Redis Cluster: creating it from ${nodes[*]}"
  for port in "${CLUSTER_PORTS[@]}"; do redis-cli -p "$port" flushall >/dev/null; redis-cli -p "$port" cluster reset hard >/dev/null; done
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >&2 \
    || die "redis-cli --cluster create failed"
  wait_for "Redis Cluster" 30 cluster_ok || die "the Redis Cluster did not reach cluster_state:ok"
}

up_rabbitmq() {
  if port_open $RABBITMQ_PORT; then say "RabbitMQ: answering on $RABBITMQ_PORT"; return; fi
  need_debian_package rabbitmq-server rabbitmq-server
  say "RabbitMQ: starting on $RABBITMQ_PORT (takes a few seconds)"
  rabbitmq-server -detached >&2 || true
  wait_for RabbitMQ 120 port_open $RABBITMQ_PORT || die "RabbitMQ did not answer on $RABBITMQ_PORT (see /var/log/rabbitmq)"
  mark_started rabbitmq
}

up_kafka() {
  if port_open $KAFKA_PORT; then say "Kafka: answering on $KAFKA_PORT"; return; fi
  say "Kafka: starting on $KAFKA_PORT"
  "$SERVICES_SCRIPTS/kafka/broker.sh" start $KAFKA_PORT $KAFKA_CONTROLLER_PORT "$DTQ_SERVICES_DIR/kafka"
  mark_started kafka
}

postgres_bin() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$bin" ]; then
    need_debian_package /usr/lib/postgresql/none/bin/initdb postgresql
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  fi
  echo "$bin"
}

# PostgreSQL refuses to run as root: as root, its processes run as the postgres user.
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

up_postgres() {
  if port_open $POSTGRES_PORT; then say "PostgreSQL (for FerretDB): answering on $POSTGRES_PORT"; return; fi
  local bin dir="$DTQ_SERVICES_DIR/postgres"
  bin=$(postgres_bin)
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    say "PostgreSQL: creating a database cluster in $dir/data"
    as_postgres "$bin/initdb" -D "$dir/data" --auth=trust -U postgres -E UTF8 >"$dir/initdb.log" 2>&1 \
      || die "initdb failed (see $dir/initdb.log)"
  fi
  say "PostgreSQL: starting on $POSTGRES_PORT"
  # A throwaway test database: durability settings off, for speed.
  as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start \
    -o "-p $POSTGRES_PORT -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >&2 \
    || die "PostgreSQL did not start (see $dir/postgres.log)"
  mark_started postgres
}

ferretdb_binary() {
  local source="$SERVICES_SCRIPTS/ferretdb" key binary
  key=$(cat "$source/go.mod" "$source/go.sum" "$source/main.go" | sha256sum | cut -c1-12)
  binary="$DTQ_CACHE_DIR/ferretdb-$key/dtq-ferretdb"
  if [ ! -x "$binary" ]; then
    need_command go "Go 1.24 or newer"
    say "FerretDB: building it once from the Go module proxy into $binary (a minute or two)"
    (cd "$source" && go build -o "$binary.tmp" .) >&2 || die "building FerretDB failed"
    mv "$binary.tmp" "$binary"
  fi
  echo "$binary"
}

up_ferretdb() {
  if port_open $MONGODB_PORT; then say "MongoDB wire (FerretDB): answering on $MONGODB_PORT"; return; fi
  local binary dir="$DTQ_SERVICES_DIR/ferretdb"
  binary=$(ferretdb_binary)
  up_postgres
  mkdir -p "$dir"
  psql -h 127.0.0.1 -p $POSTGRES_PORT -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'ferretdb'" | grep -q 1 \
    || psql -h 127.0.0.1 -p $POSTGRES_PORT -U postgres -qc 'CREATE DATABASE ferretdb' >&2
  say "FerretDB: starting on $MONGODB_PORT"
  setsid "$binary" --listen-addr "127.0.0.1:$MONGODB_PORT" \
    --postgresql-url "postgres://postgres@127.0.0.1:$POSTGRES_PORT/ferretdb" \
    >"$dir/ferretdb.log" 2>&1 < /dev/null &
  echo $! > "$dir/ferretdb.pid"
  wait_for FerretDB 30 port_open $MONGODB_PORT || die "FerretDB did not answer on $MONGODB_PORT (see $dir/ferretdb.log)"
  mark_started ferretdb
}

up_redis
up_redis_cluster
up_rabbitmq
up_kafka
up_ferretdb
say "all services answer"

cat <<EXPORTS
export KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT
export MONGODB_URI=mongodb://127.0.0.1:$MONGODB_PORT/
export REDIS_URL=redis://127.0.0.1:$REDIS_PORT
export RABBITMQ_URL=amqp://guest:guest@127.0.0.1:$RABBITMQ_PORT
export REDIS_CLUSTER_NODES=$(IFS=,; printf '%s' "${CLUSTER_PORTS[*]/#/127.0.0.1:}")
EXPORTS
