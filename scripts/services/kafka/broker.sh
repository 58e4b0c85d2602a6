#!/usr/bin/env bash
# Runs one Apache Kafka broker in KRaft mode (combined broker and controller) from its Maven
# Central jars. Used by services:up for the shared broker, and by tests that need a broker of
# their own to kill and restart.
#
#   broker.sh classpath                       fetch the jars once; print the classpath folder
#   broker.sh start PORT CONTROLLER_PORT DIR  format DIR if new, start, wait until it answers
#   broker.sh stop DIR                        stop the broker whose state is in DIR
set -euo pipefail
source "$(dirname "$0")/../lib.sh"

KAFKA_DIR=$(cd "$(dirname "$0")" && pwd)
KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_DIR/pom.xml")
LIBS="$DTQ_CACHE_DIR/kafka-$KAFKA_VERSION/libs"
HEAP=${DTQ_KAFKA_HEAP:-512m}

classpath() {
  if [ ! -f "$LIBS/.complete" ]; then
    need_command java "Java 17 or newer (OpenJDK)"
    need_command mvn "Apache Maven"
    say "fetching Apache Kafka $KAFKA_VERSION from Maven Central into $LIBS"
    rm -rf "$LIBS"
    mvn -q -B -f "$KAFKA_DIR/pom.xml" dependency:copy-dependencies \
      -DoutputDirectory="$LIBS" -DincludeScope=runtime >&2 || die "Maven could not fetch Kafka $KAFKA_VERSION"
    touch "$LIBS/.complete"
  fi
  echo "$LIBS"
}

write_properties() {
  local port=$1 controller_port=$2 dir=$3
  cat > "$dir/server.properties" <<PROPERTIES
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/data
num.partitions=3
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Groups form at once instead of waiting 3 s for more members: tests join and leave a lot.
group.initial.rebalance.delay.ms=0
PROPERTIES
}

start() {
  local port=$1 controller_port=$2 dir=$3 libs
  libs=$(classpath)
  mkdir -p "$dir"
  if [ -f "$dir/broker.pid" ] && kill -0 "$(cat "$dir/broker.pid")" 2>/dev/null && port_open "$port"; then
    return 0
  fi
  write_properties "$port" "$controller_port" "$dir"
  if [ ! -f "$dir/data/meta.properties" ]; then
    local cluster_id
    cluster_id=$(java -cp "$libs/*" kafka.tools.StorageTool random-uuid 2>/dev/null)
    java -cp "$libs/*" kafka.tools.StorageTool format "--cluster-id=$cluster_id" -c "$dir/server.properties" >"$dir/format.log" 2>&1 \
      || die "formatting Kafka storage in $dir failed: $(tail -3 "$dir/format.log")"
  fi
  # setsid: the broker outlives this script and the shell that called it.
  setsid java "-Xmx$HEAP" "-Xms$HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    "-Dlog4j2.configurationFile=$KAFKA_DIR/log4j2.properties" "-Ddtq.kafka.log=$dir/server.log" \
    -cp "$libs/*" kafka.Kafka "$dir/server.properties" >"$dir/stdout.log" 2>&1 < /dev/null &
  echo $! > "$dir/broker.pid"
  wait_for "Kafka" 90 port_open "$port" \
    || die "Kafka did not answer on 127.0.0.1:$port within 90 s (see $dir/server.log)"
}

case "${1:-}" in
  classpath) classpath ;;
  start) [ $# -eq 4 ] || die "usage: broker.sh start PORT CONTROLLER_PORT DIR"; start "$2" "$3" "$4" ;;
  stop) [ $# -eq 2 ] || die "usage: broker.sh stop DIR"; stop_pidfile "$2/broker.pid" ;;
  *) die "usage: broker.sh classpath | start PORT CONTROLLER_PORT DIR | stop DIR" ;;
esac
